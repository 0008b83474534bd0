using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Modules;
using Ainur.Grains.Interfaces.Runtime;
using Ainur.Grains.Runtime;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Modules;
using Ainur.Protocol.Tasks;
using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Tasks;

/// <summary>
/// Hosted attempts: the node runs the agent's module on this silo's executor and verifies the result by re-execution
/// elsewhere (<see cref="HostedRun"/>), outside any turn; the outcome comes back as a command to the next work turn, as
/// the ledger's answers do. One run per attempt at a time; a run that could not finish (a silo lost mid-way) is run again
/// after the retry delay while the attempt lasts.
/// </summary>
internal sealed partial class TaskGrain
{
    private readonly HashSet<int> _hostedRuns = [];

    private async Task RunHostedAsync(RunHosted run)
    {
        if (Record is { } record && record.Attempt == run.Attempt && record.State.HasAttempt() && _hostedRuns.Add(run.Attempt))
        {
            // The start tells nobody: it rides with the verified result's write (or is written on its own after
            // StartWriteDelay, for a long run), as an agent's start does.
            await ApplyAsync(new StartHosted(run.Agent, run.Attempt));
            _ = HostAsync(record, run);
        }
    }

    private async Task HostAsync(TaskRecord record, RunHosted run)
    {
        var answered = false;
        try
        {
            var outcome = await HostedRun.RunAsync(GrainFactory, new ExecutionRequest(run.Module, record.Input, record.Fuel, record.Id, record.Terms.Client.Value));
            _answers.Enqueue(await DecideAsync(run, outcome));
            answered = true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogWorkFailed(logger, this.GetPrimaryKeyString(), exception);
        }
        finally
        {
            _hostedRuns.Remove(run.Attempt);
        }

        if (answered)
        {
            Kick();
        }
        else
        {
            this.RegisterGrainTimer(() => RunHostedAsync(run), new GrainTimerCreationOptions(settings.RetryDelay, Timeout.InfiniteTimeSpan));
        }
    }

    private async Task<TaskCommand> DecideAsync(RunHosted run, HostedOutcome outcome)
    {
        if (outcome.Decision is null)
        {
            return new FailHosted(run.Agent, run.Attempt, $"wasm:{outcome.First.FailureCode}: {outcome.First.FailureDetail}", false);
        }

        var detail = outcome.Describe();
        if (outcome.Winner is not { } winner)
        {
            await GrainFactory.GetGrain<IModuleRegistryGrain>(0).MarkNonDeterministicAsync(run.Module, $"task {Record?.Id}: {detail}");
            return new FailHosted(run.Agent, run.Attempt, $"wasm:non-deterministic: {detail}", true);
        }

        foreach (var loser in outcome.Decision.Losers)
        {
            LogExecutionLost(logger, this.GetPrimaryKeyString(), outcome.Executions[loser].Silo, run.Module.ToString());
        }

        return new PostVerifiedResult(run.Agent, run.Attempt, winner.Output!, winner.OutputHash!.Value, detail);
    }

    /// <summary>What each agent whose module proved non-deterministic on this task holds at stake and unbonding now.</summary>
    private async Task<IReadOnlyDictionary<Did, long>> SlashableOfAsync(TaskRecord record)
    {
        var slashable = new Dictionary<Did, long>();
        foreach (var agent in record.Slashed.Distinct())
        {
            var account = (await GrainFactory.GetGrain<ILedgerQueryGrain>(0).GetAccountAsync(agent)).Account;
            slashable[agent] = account.Stake + account.UnbondingTotal;
        }

        return slashable;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: the execution on silo {Silo} of module {Module} lost verification by re-execution")]
    private static partial void LogExecutionLost(ILogger logger, string taskId, string silo, string module);
}
