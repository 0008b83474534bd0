using System.Diagnostics;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Observability;

/// <summary>Runs Prometheus' promtool through scripts/promtool.sh, which unpacks it from Debian's package when missing.</summary>
internal static class Promtool
{
    /// <summary>Runs <c>promtool <paramref name="arguments"/></c> (with <paramref name="input"/> on stdin); its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo(Path.Combine(BuiltNode.RepositoryRoot, "scripts", "promtool.sh"))
        {
            WorkingDirectory = BuiltNode.RepositoryRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start scripts/promtool.sh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Runs promtool and fails the test with its output unless it exits 0; returns the output.</summary>
    public static async Task<string> SucceedsAsync(params string[] arguments)
    {
        var (exitCode, output) = await RunAsync(arguments);
        Assert.True(exitCode == 0, $"promtool {string.Join(' ', arguments)} exited with {exitCode}:\n{output}");
        return output;
    }
}
