using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Ainur.LoadTests.Tools;

/// <summary>Where and how a run was made: the machine, the command line, the checkout's commit.</summary>
internal static class RunInfo
{
    public static MachineInfo Machine() => new(
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        Environment.Version.ToString(),
        System.Runtime.GCSettings.IsServerGC);

    /// <summary>The tool's command line, and the script that ran it when that script says so (<c>AINUR_LOAD_SCRIPT</c>).</summary>
    public static string Command(IEnumerable<string> args) =>
        "dotnet run -c Release --project tests/Ainur.LoadTests -- " + string.Join(' ', args.Select(Quoted))
        + (Environment.GetEnvironmentVariable("AINUR_LOAD_SCRIPT") is { Length: > 0 } script ? $" (run by {script})" : "");

    // A connection string's password never goes into a results file.
    private static string Quoted(string arg)
    {
        var safe = Regex.Replace(arg, "(?i)(password|pwd)=[^;]*", "$1=***");
        return safe.IndexOfAny([' ', ';', '\'']) >= 0 ? $"'{safe.Replace("'", "'\\''", StringComparison.Ordinal)}'" : safe;
    }

    /// <summary>The commit checked out where the tool runs, with <c>+dirty</c> when files differ from it; "unknown" outside a checkout.</summary>
    public static string GitCommit()
    {
        var head = Git("rev-parse HEAD");
        return head is null ? "unknown" : Git("status --porcelain --untracked-files=no") is { Length: > 0 } ? head + "+dirty" : head;
    }

    private static string? Git(string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (git is null)
            {
                return null;
            }

            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }
}
