using Microsoft.Extensions.Options;

namespace Ainur.Silo.Hosting;

/// <summary>
/// How a process refuses a configuration it cannot run with: every problem, one a line, on standard error (the log of a
/// container), then exit code 78 (EX_CONFIG), instead of an unhandled exception's stack trace and abort.
/// </summary>
public static class StartupRefusal
{
    /// <summary>The exit code of a refused configuration (sysexits' EX_CONFIG).</summary>
    public const int ExitCode = 78;

    /// <summary>Writes why <paramref name="process"/> does not start and returns <see cref="ExitCode"/>.</summary>
    public static int Report(string process, OptionsValidationException refusal, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine($"{process} refused to start; fix its configuration:");
        foreach (var failure in refusal.Failures)
        {
            error.WriteLine($"  - {failure}");
        }

        return ExitCode;
    }
}
