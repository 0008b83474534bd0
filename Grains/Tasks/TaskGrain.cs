using System.Collections.Immutable;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Budgets;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Microsoft.Extensions.Logging;
using Ainur.Grains.Timing;

namespace Ainur.Grains.Tasks;

/// <summary>
/// Thin host around <see cref="TaskMachine.Step"/> (see <see cref="ITaskGrain"/>): decide, persist, then carry out the
/// step's effects. Every decision is taken in an ordinary grain turn (a call, a timer, the reminder), and the grain is
/// not reentrant, so turns take them one at a time on the one record; only reads interleave, and they are shown the
/// durable record. A caller's change is written before it is answered; the answers to the task's own questions
/// (<see cref="TaskEffects.Asks"/>) are decided in one work turn and share its write.
/// </summary>
internal sealed partial class TaskGrain(
    [PersistentState("task", AinurStores.Tasks)] IPersistentState<TaskGrainState> state,
    TaskSettings settings,
    TaskMetrics metrics,
    TimeProvider clock,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain, IRemindable
{
    private TaskRecord? Record => state.State.Record;

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Record is { IsClosed: false } record)
        {
            ScheduleDeadline(record);
            _resume = true;
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
            return new TaskReply(Shown, new TaskRejection(TaskRejectionKind.Invalid, "the terms do not hash to this task id"));
        }

        if (submit.Voucher is { } voucher)
        {
            // Reserved before the task exists, so a refusal changes nothing; the task is then created with its payment held.
            if (Record is null && await Budget(voucher).ReserveAsync(ReserveRequest.For(submit.Terms, voucher)) is { } refusal)
            {
                return new TaskReply(null, new TaskRejection(TaskRejectionKind.Invalid, refusal.Reason, refusal.Code));
            }

            return await ApplyAsync(submit, assignAtOnce: true);
        }

        if (paymentLock is null)
        {
            return new TaskReply(Shown, new TaskRejection(TaskRejectionKind.Invalid, "a task is paid by an escrow lock or a budget's voucher"));
        }

        return WrongExpiry(paymentLock, submit.Terms.Deadline) is { } wrong
            ? new TaskReply(Shown, wrong)
            : await ApplyAsync(submit, s => s.PaymentLock = paymentLock);
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
        ArgumentNullException.ThrowIfNull(bondLock);

        // The gateway checked the lock against the task as it read it; a result posted since then sets the window's end.
        return WrongExpiry(bondLock, Record?.LockExpiry(HoldKind.Bond)) is { } wrong
            ? new TaskReply(Shown, wrong)
            : await ApplyAsync(dispute, s => s.BondLock = bondLock);
    }

    /// <inheritdoc/>
    public async Task<TaskReply> ReportRerunAsync(Did verifier, Hash32 outputHash)
    {
        if (Record is not { Result: { } result, Agent: { } agent } record)
        {
            return new TaskReply(Shown, new TaskRejection(TaskRejectionKind.Conflict, "there is no result to re-run"));
        }

        var deterministic = await GrainFactory.GetGrain<ICapabilityRosterGrain>(record.Terms.Capability).IsDeterministicAsync(agent);
        return deterministic == true
            ? await ApplyAsync(new GiveVerdict(verifier, outputHash == result.OutputHash))
            : new TaskReply(Shown, new TaskRejection(TaskRejectionKind.Conflict, "this capability is not deterministic: give a verdict instead"));
    }

    /// <inheritdoc/>
    public Task<TaskRecord?> GetAsync() => Task.FromResult(Shown);

    /// <inheritdoc/>
    public async Task<TaskRecord?> WaitForChangeAsync(int after, TimeSpan timeout)
    {
        if (Shown is not { } shown || shown.History.Length > after)
        {
            return Shown;
        }

        // Nothing new by then: the caller asks again.
        await BoundedWait.ForAsync(_changed.Task, timeout, clock);
        return Shown;
    }

    private Hash32 TaskId => Hash32.Parse(this.GetPrimaryKeyString());

    /// <summary>A lock that expires at another time than the task needs (a refused one must not outlive the task's watch).</summary>
    private static TaskRejection? WrongExpiry(SignedTransaction lockTransaction, long? expiry) =>
        expiry is { } expected && lockTransaction.Body is EscrowLock { Expiry: var actual } && actual != expected
            ? new TaskRejection(TaskRejectionKind.Invalid, $"the lock must expire at {expected} (Unix ms), not {actual}")
            : null;

    private IEscrowGrain Escrow => GrainFactory.GetGrain<IEscrowGrain>(this.GetPrimaryKeyString());

    private IBudgetGrain Budget(TaskVoucher voucher) => GrainFactory.GetGrain<IBudgetGrain>(voucher.BudgetId.ToString());

    /// <summary>
    /// Decides one command from outside (or a deadline) and answers once the change is durable; <paramref name="keep"/>
    /// adds what the change needs stored with it; with <paramref name="assignAtOnce"/>, a free agent is assigned in the
    /// same write.
    /// </summary>
    private async Task<TaskReply> ApplyAsync(TaskCommand command, Action<TaskGrainState>? keep = null, bool assignAtOnce = false)
    {
        var step = TaskMachine.Step(Record, command, clock.GetUtcNow(), settings.Policy);
        if (!step.Changed)
        {
            return new TaskReply(step.Decision.IsRejected ? Shown : step.Next, step.Decision.Rejection);
        }

        var before = Record;
        Adopt(step.Next!);
        if (command is StartTask or StartHosted && step.Tells.IsEmpty && keep is null && !assignAtOnce)
        {
            DeferStart(before);
            return new TaskReply(Record, null);
        }

        var tells = ImmutableArray.CreateBuilder<TaskTell>();
        tells.AddRange(step.Tells);
        if (assignAtOnce)
        {
            await AssignAtOnceAsync(tells);
        }

        await PersistAsync(before, keep);
        await TellAsync(tells.ToImmutable());
        if (!TaskEffects.Asks(Record!).IsEmpty)
        {
            Kick();
        }

        return new TaskReply(Record, null);
    }
}
