using System.CommandLine;
using Ainur.Cli.Commands;

namespace Ainur.Cli;

/// <summary>The <c>ainur</c> command tree, runnable in-process.</summary>
public static class AinurCli
{
    /// <summary>Runs one command line against the real console and environment.</summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        InvokeAsync(args, CliContext.FromProcess() with { Output = output, Error = error }, cancellationToken);

    /// <summary>Runs one command line; returns the exit code (see the root help).</summary>
    public static Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = new RootCommand("ainur: manage agent keys, talk to an Ainur gateway, and verify payment proofs offline.\n" + ExitCodes.Help)
        {
            KeyCommands.Create(context),
            AgentCommands.Create(context),
            ModuleCommands.Create(context),
            PaymentCommands.Faucet(context),
            PaymentCommands.Balance(context),
            PaymentCommands.Transfer(context),
            PaymentCommands.Stake(context),
            PaymentCommands.Unstake(context),
            TaskCommands.Create(context),
            DiscoverCommand.Create(context),
            BudgetCommands.Create(context),
            LedgerCommands.Tx(context),
            LedgerCommands.Ledger(context),
            VerifyCommand.Create(context),
        };
        // No response files: `--input @file.json` is the option's own syntax, not a list of arguments to splice in.
        return root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).InvokeAsync(new InvocationConfiguration { Output = context.Output, Error = context.Error }, cancellationToken);
    }

    /// <summary>Options shared by every command.</summary>
    internal static Option<bool> JsonOption() => new("--json") { Description = "Write machine-readable JSON to standard output." };

    /// <summary>Runs a command body, turning <see cref="CliException"/> into its message and exit code.</summary>
    internal static async Task<int> RunAsync(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync(e.Message);
            return e.ExitCode;
        }
    }
}
