using System.Collections.Immutable;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// The effects of a task, pure functions of its record: the questions it still has (level-triggered, from
/// <see cref="TaskObligations"/>, so a restart asks them again), the news a change brings (edge-triggered, from the
/// records before and after), and the news to repeat when the task is activated again (soft state elsewhere is lost).
/// </summary>
public static class TaskEffects
{
    /// <summary>What <paramref name="record"/> still needs to learn from the world, in the order to ask.</summary>
    public static ImmutableArray<TaskAsk> Asks(TaskRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var asks = ImmutableArray.CreateBuilder<TaskAsk>();
        if (record.IsClosed)
        {
            return [];
        }

        var owed = TaskObligations.Of(record);
        if (record.Payment == HoldState.Locking)
        {
            asks.Add(new LockHold(HoldKind.Payment));
        }

        if (record.Bond == HoldState.Locking)
        {
            asks.Add(new LockHold(HoldKind.Bond));
        }

        if (owed.NeedsAgent)
        {
            asks.Add(new FindAgent());
        }

        if (owed.NeedsVerifiers)
        {
            asks.Add(new FindVerifiers());
        }

        // The ledger first: a settled task's report then shares the write of its settlement.
        if (owed.Settle)
        {
            asks.Add(new CloseHolds());
        }

        asks.AddRange(owed.Reports.Select(r => new SendReport(r)));
        asks.AddRange(owed.Watch.Select(h => new WatchHold(h)));
        return asks.ToImmutable();
    }

    /// <summary>The news of the change from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static ImmutableArray<TaskTell> Tells(TaskRecord? before, TaskRecord after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var tells = ImmutableArray.CreateBuilder<TaskTell>();
        if (before is { Agent: { } agent } && before.State.HasAttempt() && (!after.State.HasAttempt() || after.Attempt != before.Attempt))
        {
            tells.Add(new ReleaseAgent(agent));
        }

        if (after is { State: TaskState.Assigned, Agent: { } assigned } && (before?.State != TaskState.Assigned || before.Attempt != after.Attempt))
        {
            tells.Add(after.Module is { } module ? new RunHosted(assigned, after.Attempt, module) : new OfferAttempt(assigned, after.Attempt));
        }

        if (after.Dispute is { Appointed: true } && before?.Dispute is not { Appointed: true } && Unjudged(after) is { IsEmpty: false } verifiers)
        {
            tells.Add(new AskVerifiers(verifiers));
        }

        var kept = after.Reports.Select(r => r.ReportId).ToHashSet(StringComparer.Ordinal);
        tells.AddRange((before?.Reports ?? []).Where(r => !kept.Contains(r.ReportId)).Select(r => new ForgetReport(r)));
        return tells.ToImmutable();
    }

    /// <summary>The news to give again when the task is activated: feeds are soft state, lost with their silo.</summary>
    public static ImmutableArray<TaskTell> OnResume(TaskRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var tells = ImmutableArray.CreateBuilder<TaskTell>();
        // A hosted attempt in flight when the task's silo went down is run again: executions are idempotent.
        if (record is { Module: { } module, Agent: { } hosted } && record.State.HasAttempt())
        {
            tells.Add(new RunHosted(hosted, record.Attempt, module));
        }
        else if (record is { State: TaskState.Assigned, Agent: { } agent })
        {
            tells.Add(new OfferAttempt(agent, record.Attempt));
        }

        if (record is { State: TaskState.Disputed, Dispute: { Appointed: true, Resolution: null } } && Unjudged(record) is { IsEmpty: false } verifiers)
        {
            tells.Add(new AskVerifiers(verifiers));
        }

        return tells.ToImmutable();
    }

    private static ImmutableArray<Identity.Did> Unjudged(TaskRecord record) =>
        [.. record.Dispute!.Verifiers.Where(v => !record.Dispute.Verdicts.Any(d => d.Verifier == v))];
}
