using System.Diagnostics;
using Ainur.Testing.Processes;

namespace Ainur.Deployment.Tests;

/// <summary>Runs the command-line tools the checks need: kubectl (found or installed by scripts/ensure-kubectl.sh) and the repository's scripts.</summary>
internal static class Tool
{
    private static readonly Lazy<string> Kubectl = new(() => Run(Script("ensure-kubectl.sh"), []).Trim());

    /// <summary>The repository root.</summary>
    public static string Root => BuiltNode.RepositoryRoot;

    /// <summary>A path under the repository root, from '/'-separated parts.</summary>
    public static string InRepository(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>What <c>kubectl kustomize</c> renders from a folder of the repository.</summary>
    public static string Kustomize(string folder) => Run(Kubectl.Value, ["kustomize", InRepository(folder)]);

    /// <summary>A script of scripts/ run with the kubectl the checks use.</summary>
    public static string RunScript(string name, params string[] arguments) =>
        Run(Script(name), arguments, ("KUBECTL", Kubectl.Value));

    private static string Script(string name) => InRepository($"scripts/{name}");

    /// <summary>Standard output of a command that must succeed within two minutes (an install may download).</summary>
    private static string Run(string file, string[] arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} ran past two minutes");
        }

        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}");
    }
}
