using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Cli;

/// <summary>Shell blocks of the README, taken from README.md at test time and run by bash, so README and tests cannot drift.</summary>
internal static partial class ReadmeScript
{
    /// <summary>The <c>sh</c> blocks of the section headed <paramref name="heading"/> (<c>##</c> or deeper, e.g. <c>## A tour</c>), up to the next heading of its level or above.</summary>
    public static async Task<List<string>> BlocksAsync(string heading, CancellationToken ct)
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(BuiltNode.RepositoryRoot, "README.md"), ct);
        var start = readme.IndexOf($"\n{heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{heading}' section");
        // Sections end at a heading of two hashes or more: a line starting "# " is a comment inside a block.
        var level = heading.IndexOf(' ', StringComparison.Ordinal);
        var next = Enumerable.Range(2, level - 1)
            .Select(hashes => readme.IndexOf("\n" + new string('#', hashes) + " ", start + 1, StringComparison.Ordinal))
            .Where(i => i >= 0)
            .DefaultIfEmpty(readme.Length)
            .Min();
        return [.. ShellBlock().Matches(readme[start..next]).Select(m => m.Groups["body"].Value)];
    }

    /// <summary>
    /// Runs <paramref name="script"/> with <c>bash -x</c> in <paramref name="folder"/> with <paramref name="environment"/>
    /// added (a null value removes the variable); after <paramref name="limit"/> the script and everything it started are killed. Exit code and output.
    /// </summary>
    public static async Task<(int Code, string Output)> RunAsync(
        string script, string folder, IReadOnlyDictionary<string, string?> environment, TimeSpan limit, CancellationToken ct)
    {
        var file = Path.Combine(folder, $"readme-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(file, script, ct);
        var start = new ProcessStartInfo("bash") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-x");
        start.ArgumentList.Add(file);
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Append($"(killed: the script ran for more than {limit.TotalMinutes:F0} minutes)");
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }

        void Append(string? line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    [GeneratedRegex(@"^```sh\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
