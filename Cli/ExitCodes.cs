namespace Ainur.Cli;

/// <summary>The process exit codes of <c>ainur</c>; the root command's help lists them too.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int Input = 2;
    public const int Refused = 3;
    public const int Unavailable = 4;
    public const int Invalid = 5;
    public const int NotSettled = 6;

    public const string Help =
        "Exit codes: 0 ok, 1 usage error, 2 input error (manifest, key file, passphrase), "
        + "3 refused by the gateway (4xx), 4 gateway unreachable or failing (5xx), 5 the proof does not hold (ainur verify), "
        + "6 the task ended failed or cancelled (ainur task submit|watch).";
}

/// <summary>An error the user can fix; the message is printed as <c>error: …</c> and the process exits with <see cref="ExitCode"/>.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
