using System.Collections.Immutable;
using System.Text;
using Ainur.Grains.Interfaces.Runtime;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Modules;

namespace Ainur.Grains.Runtime;

/// <summary>
/// How a hosted attempt ended: the first execution's failure, or the re-execution rule's verdict over every execution
/// (in the order they ran; the first on the caller's silo, the others on verifiers away from it).
/// </summary>
public sealed record HostedOutcome(ImmutableArray<ExecutionReport> Executions, ReexecutionDecision? Decision)
{
    /// <summary>The first execution.</summary>
    public ExecutionReport First => Executions[0];

    /// <summary>An execution whose output stands (Agreed only).</summary>
    public ExecutionReport? Winner => Decision is { Verdict: ReexecutionVerdict.Agreed, Output: var agreed } ? Executions.First(e => HostedRun.Hash(e) == agreed) : null;

    /// <summary>For the history: which silos ran, which agreed, whose output lost.</summary>
    public string Describe()
    {
        var losers = Decision?.Losers ?? [];
        var ran = string.Join(", ", Executions.Select((e, i) => $"#{i + 1} {e.Silo}{(losers.Contains(i) ? " (lost)" : "")}"));
        return Decision?.Verdict switch
        {
            ReexecutionVerdict.Agreed => $"verified by re-execution: {Executions.Length - losers.Length} of {Executions.Length} executions agree ({ran})",
            _ => $"{Executions.Length} executions, no two agree ({ran})",
        };
    }
}

/// <summary>
/// Verification by re-execution: the first execution runs on the caller's silo, then verifiers placed away from it run the
/// same request until <see cref="Reexecution.Decide"/> decides (default: one re-execution; at most three executions).
/// </summary>
public static class HostedRun
{
    /// <summary>Runs <paramref name="request"/> and verifies it; a failed first execution is not re-executed.</summary>
    public static async Task<HostedOutcome> RunAsync(IGrainFactory grains, ExecutionRequest request)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(request);
        var first = await grains.GetGrain<IExecutorGrain>(0).ExecuteAsync(request);
        if (!first.Succeeded)
        {
            return new HostedOutcome([first], null);
        }

        var executions = ImmutableArray.Create(first);
        while (true)
        {
            var decision = Reexecution.Decide([.. executions.Select(Hash)]);
            if (decision.Verdict != ReexecutionVerdict.RunAgain)
            {
                return new HostedOutcome(executions, decision);
            }

            var verifier = grains.GetGrain<IVerifierGrain>(VerifierKeys.Away(first.Silo, executions.Length));
            executions = executions.Add(await verifier.ReexecuteAsync(request with { LogTask = null }));
        }
    }

    /// <summary>What an execution is compared by: its output hash, or for a failed re-execution a hash of its failure code.</summary>
    public static Hash32 Hash(ExecutionReport execution)
    {
        ArgumentNullException.ThrowIfNull(execution);
        return execution.OutputHash ?? Blake2b.Content(Encoding.UTF8.GetBytes("failed:" + execution.FailureCode));
    }
}
