using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Tasks;
using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Tasks;

/// <summary>
/// Doing what the task still needs (<see cref="TaskObligations"/>): one pass at a time, started again after every
/// change; a pass stops at the first change (the rest is decided again on the new record) and a step that could not
/// be done now (no agent, the ledger not final yet) is retried after <see cref="TaskSettings.RetryDelay"/>.
/// </summary>
internal sealed partial class TaskGrain
{
    private Task _work = Task.CompletedTask;
    private bool _again;
    private IGrainTimer? _retry;
    private IGrainTimer? _watch;
    private (int Attempt, Did Agent)? _offered;
    private readonly HashSet<Did> _asked = [];

    private void Kick()
    {
        _again = true;
        if (_work.IsCompleted)
        {
            _work = WorkAsync();
        }
    }

    private async Task WorkAsync()
    {
        while (_again)
        {
            _again = false;
            try
            {
                await PassAsync();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogWorkFailed(logger, this.GetPrimaryKeyString(), exception);
                RetryLater();
            }
        }
    }

    private async Task PassAsync()
    {
        if (_stored is not { } record || record.IsClosed)
        {
            return;
        }

        var steps = new Func<TaskRecord, TaskObligations, Task>[]
        {
            (r, _) => r.Payment == HoldState.Locking ? LockAsync(HoldKind.Payment) : Task.CompletedTask,
            (r, _) => r.Bond == HoldState.Locking ? LockAsync(HoldKind.Bond) : Task.CompletedTask,
            (r, o) => o.NeedsAgent ? AssignAsync(r) : Task.CompletedTask,
            (r, o) => o.OfferTo is { } agent ? OfferAsync(r, agent) : Task.CompletedTask,
            (r, o) => o.NeedsVerifiers ? AppointAsync(r) : Task.CompletedTask,
            (r, o) => AskAsync(r, o),
            (r, o) => o.Settle ? SettleAsync(r) : Task.CompletedTask,
            (_, o) => o.Reports.IsEmpty ? Task.CompletedTask : ReportAsync(o.Reports[0]),
            (r, o) => o.Watch.IsEmpty ? Task.CompletedTask : WatchAsync(r, o.Watch),
        };
        var obligations = TaskObligations.Of(record);
        foreach (var step in steps)
        {
            await step(record, obligations);
            if (!ReferenceEquals(_stored, record))
            {
                return;
            }
        }
    }

    private async Task LockAsync(HoldKind hold)
    {
        var outcome = await Escrow.LockAsync(hold, _locks.GetValueOrDefault(hold), settings.LedgerWait);
        if (outcome.State == HoldState.Locking)
        {
            RetryLater();
            return;
        }

        await ApplyAsync(new HoldChanged(hold, outcome.State, outcome.Reason));
    }

    private async Task AssignAsync(TaskRecord record)
    {
        var roster = GrainFactory.GetGrain<ICapabilityRosterGrain>(record.Terms.Capability);
        var pick = await roster.PickAsync(record.Terms.MaxPrice, record.Schemas, record.FailedAgents.Add(record.Terms.Client), record.AcceptOnResult);
        if (pick is null)
        {
            RetryLater();
            return;
        }

        if ((await ApplyAsync(new AssignTask(pick.Agent, pick.Price))).Rejection is not null)
        {
            await roster.DoneAsync(pick.Agent);
        }
    }

    /// <summary>Offers the attempt to its agent once per activation: a second offer could hand it out twice.</summary>
    private async Task OfferAsync(TaskRecord record, Did agent)
    {
        if (_offered == (record.Attempt, agent))
        {
            return;
        }

        var item = new FeedItem(record.Id, record.Attempt, FeedKind.Execute, record.Terms.Capability, record.Input, record.Price, record.AttemptDeadline!.Value, null,
            await IsDeterministicAsync(record, agent));
        await GrainFactory.GetGrain<IAgentFeedGrain>(agent.Value).OfferAsync(item);
        _offered = (record.Attempt, agent);
    }

    private async Task AppointAsync(TaskRecord record)
    {
        var roster = GrainFactory.GetGrain<ICapabilityRosterGrain>(record.Terms.Capability);
        var verifiers = await roster.PickVerifiersAsync(settings.Policy.VerifierQuorum, [record.Agent!.Value, record.Terms.Client]);
        await ApplyAsync(new AppointVerifiers(verifiers));
    }

    private async Task AskAsync(TaskRecord record, TaskObligations obligations)
    {
        var unasked = obligations.AskVerifiers.Where(v => !_asked.Contains(v)).ToList();
        if (unasked.Count == 0)
        {
            return;
        }

        var item = new FeedItem(record.Id, record.Attempt, FeedKind.Verify, record.Terms.Capability, record.Input, settings.Policy.VerifierFee,
            record.Dispute!.Deadline!.Value, record.Result!.Output, await IsDeterministicAsync(record, record.Agent!.Value));
        foreach (var verifier in unasked)
        {
            await GrainFactory.GetGrain<IAgentFeedGrain>(verifier.Value).OfferAsync(item);
            _asked.Add(verifier);
        }
    }

    /// <summary>What <paramref name="agent"/> declared for the task's capability (false once it no longer offers it).</summary>
    private async Task<bool> IsDeterministicAsync(TaskRecord record, Did agent) =>
        await GrainFactory.GetGrain<ICapabilityRosterGrain>(record.Terms.Capability).IsDeterministicAsync(agent) == true;

    private async Task SettleAsync(TaskRecord record)
    {
        var slashable = 0L;
        if (record.Dispute?.Resolution == DisputeResolution.ClientWins)
        {
            var account = (await GrainFactory.GetGrain<ILedgerQueryGrain>(0).GetAccountAsync(record.Agent!.Value)).Account;
            slashable = account.Stake + account.UnbondingTotal;
        }

        var plan = TaskSettlement.Plan(record, settings.Policy, slashable);
        var outcome = await Escrow.CloseAsync(plan.Operations, plan.Closes);
        if (!outcome.Closed)
        {
            RetryLater();
            return;
        }

        // The bond first, so that the payment's release (which settles the task) is the last transition.
        foreach (var close in plan.Closes.OrderByDescending(c => c.Hold))
        {
            await ApplyAsync(new HoldChanged(close.Hold, close.State, null));
        }
    }

    /// <summary>
    /// Refused locks stay valid until their expiry: a relay could still lock the credits, for a task that no longer uses
    /// them. Each is looked at until the ledger shows it locked (then refunded by settlement) or past its expiry.
    /// </summary>
    private async Task WatchAsync(TaskRecord record, ImmutableArray<HoldKind> holds)
    {
        var next = DateTimeOffset.MaxValue;
        foreach (var hold in holds)
        {
            var expiry = record.LockExpiry(hold)!.Value;
            var outcome = await Escrow.WatchAsync(hold, expiry);
            if (outcome.State != HoldState.LockRejected)
            {
                await ApplyAsync(new HoldChanged(hold, outcome.State, outcome.Reason));
                return;
            }

            var now = clock.GetUtcNow();
            var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(expiry);
            var due = expiresAt > now ? Min(expiresAt, now + settings.LockWatchPeriod) : now + settings.RetryDelay;
            next = Min(next, due);
        }

        var delay = next - clock.GetUtcNow();
        _watch?.Dispose();
        _watch = this.RegisterGrainTimer(() =>
        {
            Kick();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>Exactly once: recorded (deduplicated by id), then acknowledged durably here, then forgotten there.</summary>
    private async Task ReportAsync(OutcomeReportEntry report)
    {
        var reputation = GrainFactory.GetGrain<IReputationGrain>(report.Agent.Value);
        await reputation.RecordAsync(new OutcomeReport(report.ReportId, report.Outcome));
        await ApplyAsync(new ReportAcknowledged(report.ReportId));
        await reputation.ForgetAsync(report.ReportId);
    }

    private void RetryLater()
    {
        _retry?.Dispose();
        _retry = this.RegisterGrainTimer(() =>
        {
            Kick();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(settings.RetryDelay, Timeout.InfiniteTimeSpan));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: a step failed; it will be tried again")]
    private static partial void LogWorkFailed(ILogger logger, string taskId, Exception exception);
}
