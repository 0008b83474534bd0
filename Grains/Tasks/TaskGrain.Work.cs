using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Tasks;
using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Tasks;

/// <summary>
/// The task's own questions (<see cref="TaskEffects.Asks"/>), asked in a work turn (a grain timer, so it never runs
/// beside a call): each answer is stepped on the record in memory, the next questions are derived from the new record,
/// and the chain is written once at its end, before its news goes out. Nobody outside waits on these transitions, and
/// each question is idempotent, so a crash before the write only asks again. Questions that wait on the ledger are
/// asked outside the turn and answered into the next one. A question that has no answer yet (no agent free, the
/// ledger not final) is asked again after <see cref="TaskSettings.RetryDelay"/>.
/// </summary>
internal sealed partial class TaskGrain
{
    private IGrainTimer? _work;
    private bool _kicked;
    private bool _resume;
    private IGrainTimer? _watch;
    // Questions asked outside any turn (they wait on the ledger), and their answers, taken by the next work turn.
    private readonly HashSet<TaskAsk> _aside = [];
    private readonly Queue<TaskCommand> _answers = new();

    /// <summary>Asks the task's questions in a turn of their own, as soon as the current turn ends.</summary>
    private void Kick()
    {
        if (!_kicked)
        {
            _kicked = true;
            _work?.Dispose();
            _work = this.RegisterGrainTimer(WorkAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
    }

    private void RetryLater()
    {
        if (!_kicked)
        {
            _work?.Dispose();
            _work = this.RegisterGrainTimer(WorkAsync, new GrainTimerCreationOptions(settings.RetryDelay, Timeout.InfiniteTimeSpan));
        }
    }

    private async Task WorkAsync()
    {
        _kicked = false;
        if (Record is not { } before)
        {
            return;
        }

        if (_resume && !before.IsClosed)
        {
            _resume = false;
            await TellAsync(TaskEffects.OnResume(before));
        }

        var tells = ImmutableArray.CreateBuilder<TaskTell>();
        var asked = new HashSet<TaskAsk>();
        var again = false;
        try
        {
            while (_answers.TryDequeue(out var answered))
            {
                Take(answered, tells);
            }

            while (TaskEffects.Asks(Record!).FirstOrDefault(a => !asked.Contains(a)) is { } ask)
            {
                asked.Add(ask);
                // The questions after one that waits on the ledger wait for its answer: a settlement's report is then
                // acknowledged in the write that records the settlement.
                if (ask is LockHold or CloseHolds)
                {
                    AskAside(Record!, ask);
                    break;
                }

                var answer = await AskAsync(Record!, ask);
                again |= answer.Again;
                foreach (var command in answer.Commands)
                {
                    if (!Take(command, tells) && command is AssignTask refused)
                    {
                        await TellQuietlyAsync(Roster(before).DoneAsync(refused.Agent));
                    }
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogWorkFailed(logger, this.GetPrimaryKeyString(), exception);
            again = true;
        }

        if (!ReferenceEquals(Record, before))
        {
            try
            {
                await PersistAsync(before);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Nobody heard of the chain; what storage holds is asked about again (an agent picked in a chain that
                // was not stored stays counted in its roster's soft in-flight count).
                LogWorkFailed(logger, this.GetPrimaryKeyString(), exception);
                return;
            }

            await TellAsync(tells.ToImmutable());
        }

        if (again)
        {
            RetryLater();
        }
    }

    /// <summary>
    /// A budget's task is pending with its payment reserved from its submit on: an agent free now is assigned in the
    /// submit's own write (nobody outside waits between the two transitions), which saves the task a write. Without one,
    /// or when the roster cannot answer, the work turn asks again as usual.
    /// </summary>
    private async Task AssignAtOnceAsync(ImmutableArray<TaskTell>.Builder tells)
    {
        if (!TaskEffects.Asks(Record!).Contains(new FindAgent()))
        {
            return;
        }

        try
        {
            var answer = await AskAsync(Record!, new FindAgent());
            foreach (var command in answer.Commands)
            {
                if (!Take(command, tells) && command is AssignTask refused)
                {
                    await TellQuietlyAsync(Roster(Record!).DoneAsync(refused.Agent));
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogWorkFailed(logger, this.GetPrimaryKeyString(), exception);
        }
    }

    /// <summary>Steps an answer on the record in memory; false when it changed nothing (stale, or refused).</summary>
    private bool Take(TaskCommand command, ImmutableArray<TaskTell>.Builder tells)
    {
        var step = TaskMachine.Step(Record, command, clock.GetUtcNow(), settings.Policy);
        if (step.Changed)
        {
            Adopt(step.Next!);
            tells.AddRange(step.Tells);
        }

        return step.Changed;
    }

    /// <summary>
    /// Asks a question that waits on the ledger outside any turn, so callers (a client's cancel) are not held up by it:
    /// its answer comes back to a work turn of its own. One of each at a time.
    /// </summary>
    private void AskAside(TaskRecord record, TaskAsk ask)
    {
        if (_aside.Add(ask))
        {
            _ = AnswerAsideAsync(record, ask);
        }
    }

    private async Task AnswerAsideAsync(TaskRecord record, TaskAsk ask)
    {
        var again = true;
        try
        {
            var answer = await AskAsync(record, ask);
            again = answer.Again;
            foreach (var command in answer.Commands)
            {
                _answers.Enqueue(command);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogWorkFailed(logger, this.GetPrimaryKeyString(), exception);
        }
        finally
        {
            _aside.Remove(ask);
        }

        if (again)
        {
            RetryLater();
        }
        else
        {
            Kick();
        }
    }

    /// <summary>The commands that answer <paramref name="ask"/> (none yet: <c>Again</c> says whether to ask again later).</summary>
    private async Task<(ImmutableArray<TaskCommand> Commands, bool Again)> AskAsync(TaskRecord record, TaskAsk ask)
    {
        switch (ask)
        {
            case LockHold { Hold: var hold }:
                var kept = hold == HoldKind.Payment ? state.State.PaymentLock : state.State.BondLock;
                var locked = await Escrow.LockAsync(hold, kept, settings.LedgerWait);
                return locked.State == HoldState.Locking ? ([], true) : ([new HoldChanged(hold, locked.State, locked.Reason)], false);
            case FindAgent:
                var pick = await Roster(record).PickAsync(record.Terms.MaxPrice, record.Schemas, record.FailedAgents.Add(record.Terms.Client), record.AcceptOnResult);
                return pick is null ? ([], true) : ([new AssignTask(pick.Agent, pick.Price, pick.Module)], false);
            case FindVerifiers:
                var verifiers = await Roster(record).PickVerifiersAsync(settings.Policy.VerifierQuorum, [record.Agent!.Value, record.Terms.Client]);
                return ([new AppointVerifiers(verifiers)], false);
            case CloseHolds:
                return await CloseAsync(record);
            case SendReport { Report: var report }:
                await GrainFactory.GetGrain<IReputationGrain>(report.Agent.Value).RecordAsync(new Interfaces.Reputation.OutcomeReport(report.ReportId, report.Outcome));
                return ([new ReportAcknowledged(report.ReportId)], false);
            case WatchHold { Hold: var watched }:
                return ([.. await WatchAsync(record, watched)], false);
            default:
                throw new ArgumentOutOfRangeException(nameof(ask), ask, "Unknown question.");
        }
    }

    private async Task<(ImmutableArray<TaskCommand> Commands, bool Again)> CloseAsync(TaskRecord record)
    {
        var slashable = 0L;
        if (record.Dispute?.Resolution == DisputeResolution.ClientWins)
        {
            var account = (await GrainFactory.GetGrain<ILedgerQueryGrain>(0).GetAccountAsync(record.Agent!.Value)).Account;
            slashable = account.Stake + account.UnbondingTotal;
        }

        var plan = TaskSettlement.Plan(record, settings.Policy, slashable, await SlashableOfAsync(record));
        var outcome = record.Voucher is { } voucher
            ? await Budget(voucher).SettleAsync(record.Id, plan.Operations)
            : await Escrow.CloseAsync(plan.Operations, plan.Closes);

        // The bond first, so that the payment's release (which settles the task) is the last transition.
        return outcome.Closed
            ? ([.. plan.Closes.OrderByDescending(c => c.Hold).Select(c => new HoldChanged(c.Hold, c.State, null))], false)
            : ([], true);
    }

    /// <summary>
    /// Refused locks stay valid until their expiry: a relay could still lock the credits, for a task that no longer uses
    /// them. Each is looked at until the ledger shows it locked (then refunded by settlement) or past its expiry.
    /// </summary>
    private async Task<IEnumerable<TaskCommand>> WatchAsync(TaskRecord record, HoldKind hold)
    {
        var expiry = record.LockExpiry(hold)!.Value;
        var outcome = await Escrow.WatchAsync(hold, expiry);
        if (outcome.State != HoldState.LockRejected)
        {
            return [new HoldChanged(hold, outcome.State, outcome.Reason)];
        }

        var now = clock.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(expiry);
        var due = expiresAt > now ? Min(expiresAt, now + settings.LockWatchPeriod) : now + settings.RetryDelay;
        var delay = due - now;
        _watch?.Dispose();
        _watch = this.RegisterGrainTimer(() =>
        {
            Kick();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        return [];
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>Gives the news of a durable change; each is best effort (feeds and roster counts are soft state).</summary>
    private async Task TellAsync(ImmutableArray<TaskTell> tells)
    {
        foreach (var tell in tells)
        {
            await TellQuietlyAsync(tell switch
            {
                OfferAttempt offer => OfferAsync(offer),
                RunHosted run => RunHostedAsync(run),
                AskVerifiers ask => AskVerifiersAsync(ask.Verifiers),
                ReleaseAgent release => ReleaseAsync(release.Agent),
                ForgetReport forget => GrainFactory.GetGrain<IReputationGrain>(forget.Report.Agent.Value).ForgetAsync(forget.Report.ReportId),
                _ => throw new ArgumentOutOfRangeException(nameof(tells), tell, "Unknown news."),
            });
        }
    }

    private async Task OfferAsync(OfferAttempt offer)
    {
        if (Record is not { State: TaskState.Assigned } record || record.Attempt != offer.Attempt)
        {
            return;
        }

        var item = new FeedItem(record.Id, offer.Attempt, FeedKind.Execute, record.Terms.Capability, record.Input, record.Price, record.AttemptDeadline!.Value, null,
            await IsDeterministicAsync(record, offer.Agent));
        await GrainFactory.GetGrain<IAgentFeedGrain>(offer.Agent.Value).OfferAsync(item);
    }

    private async Task AskVerifiersAsync(ImmutableArray<Did> verifiers)
    {
        var record = Record!;
        var item = new FeedItem(record.Id, record.Attempt, FeedKind.Verify, record.Terms.Capability, record.Input, settings.Policy.VerifierFee,
            record.Dispute!.Deadline!.Value, record.Result!.Output, await IsDeterministicAsync(record, record.Agent!.Value));
        foreach (var verifier in verifiers)
        {
            await GrainFactory.GetGrain<IAgentFeedGrain>(verifier.Value).OfferAsync(item);
        }
    }

    private async Task ReleaseAsync(Did agent)
    {
        await Roster(Record!).DoneAsync(agent);
        await GrainFactory.GetGrain<IAgentFeedGrain>(agent.Value).WithdrawAsync(Record!.Id);
    }

    private ICapabilityRosterGrain Roster(TaskRecord record) => GrainFactory.GetGrain<ICapabilityRosterGrain>(record.Terms.Capability);

    /// <summary>What <paramref name="agent"/> declared for the task's capability (false once it no longer offers it).</summary>
    private async Task<bool> IsDeterministicAsync(TaskRecord record, Did agent) =>
        await Roster(record).IsDeterministicAsync(agent) == true;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: a step failed; it will be tried again")]
    private static partial void LogWorkFailed(ILogger logger, string taskId, Exception exception);
}
