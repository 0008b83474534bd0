using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Budgets;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Tasks;

/// <summary>
/// Thin host around <see cref="TaskMachine"/> (see <see cref="ITaskGrain"/>): decide, persist, then tell. Commands from
/// callers and from the grain's own work (ledger answers, assignment, deadlines) go through one gate, so decisions are
/// taken one at a time on the latest durable record. What the task still needs is derived from the record
/// (<see cref="TaskObligations"/>) and done in the background after every change and after every re-activation.
/// </summary>
internal sealed partial class TaskGrain(
    [PersistentState("task", AinurStores.Tasks)] IPersistentState<TaskGrainState> state,
    TaskSettings settings,
    TaskMetrics metrics,
    TimeProvider clock,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain, IRemindable
{
    private Task _decided = Task.CompletedTask;
    // Signed locks received in this activation: the background work may reach the escrow before the caller's own hand-over.
    private readonly Dictionary<HoldKind, SignedTransaction> _locks = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // The record as storage holds it: what readers are shown and what the background work acts on. state.State.Record
    // runs ahead of it while a write is in flight (readers and the work interleave with it), and a write that fails, or
    // a crash, would take back a change someone had already been told of or acted on.
    private TaskRecord? _stored;

    private TaskRecord? Record => state.State.Record;

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stored = Record;
        if (Record is { } record && !record.IsClosed)
        {
            ScheduleDeadline(record);
            Kick();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<TaskReply> SubmitAsync(SubmitTask submit, SignedTransaction? paymentLock)
    {
        ArgumentNullException.ThrowIfNull(submit);
        if (submit.Terms.TaskId() != TaskId)
        {
            return new TaskReply(_stored, new TaskRejection(TaskRejectionKind.Invalid, "the terms do not hash to this task id"));
        }

        if (submit.Voucher is { } voucher)
        {
            // Reserved before the task exists, so a refusal changes nothing; the task is then created with its payment held.
            if (_stored is null && await Budget(voucher).ReserveAsync(ReserveRequest.For(submit.Terms, voucher)) is { } refusal)
            {
                return new TaskReply(null, new TaskRejection(TaskRejectionKind.Invalid, refusal.Reason, refusal.Code));
            }

            return await ApplyAsync(submit);
        }

        if (paymentLock is null)
        {
            return new TaskReply(_stored, new TaskRejection(TaskRejectionKind.Invalid, "a task is paid by an escrow lock or a budget's voucher"));
        }

        if (WrongExpiry(paymentLock, submit.Terms.Deadline) is { } wrong)
        {
            return new TaskReply(_stored, wrong);
        }

        _locks[HoldKind.Payment] = paymentLock;
        var reply = await ApplyAsync(submit);
        if (reply.Rejection is null && reply.Task!.Payment == HoldState.Locking)
        {
            // Hand the client's signed lock to the escrow now, while the caller waits: it is the one copy of that signature.
            await Escrow.LockAsync(HoldKind.Payment, paymentLock, TimeSpan.Zero);
        }

        return reply;
    }

    /// <inheritdoc/>
    public Task<TaskReply> ExecuteAsync(TaskCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Caller is null || command is SubmitTask)
        {
            throw new ArgumentException("Only client, agent and verifier commands come from outside.", nameof(command));
        }

        return ApplyAsync(command);
    }

    /// <inheritdoc/>
    public async Task<TaskReply> DisputeAsync(DisputeResult dispute, SignedTransaction bondLock)
    {
        // The gateway checked the lock against the task as it read it; a result posted since then sets the window's end.
        if (WrongExpiry(bondLock, _stored?.LockExpiry(HoldKind.Bond)) is { } wrong)
        {
            return new TaskReply(_stored, wrong);
        }

        _locks[HoldKind.Bond] = bondLock;
        var reply = await ApplyAsync(dispute);
        if (reply.Rejection is null && reply.Task!.Bond == HoldState.Locking)
        {
            await Escrow.LockAsync(HoldKind.Bond, bondLock, TimeSpan.Zero);
        }

        return reply;
    }

    /// <inheritdoc/>
    public async Task<TaskReply> ReportRerunAsync(Did verifier, Hash32 outputHash)
    {
        if (_stored is not { Result: { } result, Agent: { } agent } record)
        {
            return new TaskReply(_stored, new TaskRejection(TaskRejectionKind.Conflict, "there is no result to re-run"));
        }

        var deterministic = await GrainFactory.GetGrain<ICapabilityRosterGrain>(record.Terms.Capability).IsDeterministicAsync(agent);
        return deterministic == true
            ? await ApplyAsync(new GiveVerdict(verifier, outputHash == result.OutputHash))
            : new TaskReply(record, new TaskRejection(TaskRejectionKind.Conflict, "this capability is not deterministic: give a verdict instead"));
    }

    /// <inheritdoc/>
    public Task<TaskRecord?> GetAsync() => Task.FromResult(_stored);

    /// <inheritdoc/>
    public async Task<TaskRecord?> WaitForChangeAsync(int after, TimeSpan timeout)
    {
        if (_stored is null || _stored.History.Length > after)
        {
            return _stored;
        }

        try
        {
            await _changed.Task.WaitAsync(timeout, clock);
        }
        catch (TimeoutException)
        {
            // Nothing new: the caller asks again.
        }

        return _stored;
    }

    private Hash32 TaskId => Hash32.Parse(this.GetPrimaryKeyString());

    /// <summary>A lock that expires at another time than the task needs (a refused one must not outlive the task's watch).</summary>
    private static TaskRejection? WrongExpiry(SignedTransaction lockTransaction, long? expiry) =>
        expiry is { } expected && lockTransaction.Body is EscrowLock { Expiry: var actual } && actual != expected
            ? new TaskRejection(TaskRejectionKind.Invalid, $"the lock must expire at {expected} (Unix ms), not {actual}")
            : null;

    private IEscrowGrain Escrow => GrainFactory.GetGrain<IEscrowGrain>(this.GetPrimaryKeyString());

    private IBudgetGrain Budget(TaskVoucher voucher) => GrainFactory.GetGrain<IBudgetGrain>(voucher.BudgetId.ToString());

    /// <summary>Decides one command on the latest record; a change is durable before anyone hears of it.</summary>
    private async Task<TaskReply> ApplyAsync(TaskCommand command)
    {
        // One decision at a time (callers, deadlines and background work interleave at awaits on the grain's scheduler).
        var previous = _decided;
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _decided = mine.Task;
        await previous;
        TaskRecord? before;
        TaskDecision decision;
        try
        {
            before = Record;
            decision = TaskMachine.Decide(before, command, clock.GetUtcNow(), settings.Policy);
            if (decision.IsRejected || ReferenceEquals(decision.Next, before))
            {
                return new TaskReply(decision.Next, decision.Rejection);
            }

            state.State.Record = decision.Next;
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                // The write may or may not have happened: start over from what storage holds.
                state.State.Record = before;
                DeactivateOnIdle();
                throw;
            }

            _stored = decision.Next;
        }
        finally
        {
            mine.SetResult();
        }

        await AfterChangeAsync(before, decision.Next!);
        return new TaskReply(decision.Next, null);
    }
}
