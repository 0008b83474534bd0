using Ainur.Protocol.Tasks;
using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Tasks;

/// <summary>Taking a change: into the record, durably to storage, then to waiters, the deadline timer and the reminder.</summary>
internal sealed partial class TaskGrain
{
    private const string ReminderName = "task";
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IGrainTimer? _deadline;
    private IGrainReminder? _reminder;

    // While a write is in flight: the record it replaces, which readers are still shown (they interleave with the
    // write, and a write that fails, or a crash, would take back what they saw).
    private (bool Writing, TaskRecord? Replaced) _inFlight;

    // While an agent's start waits to share a later write: the record storage still holds.
    private (bool Pending, TaskRecord? Durable) _deferred;
    private IGrainTimer? _flush;

    /// <summary>What readers are shown: the record as storage holds it.</summary>
    private TaskRecord? Shown => _inFlight.Writing ? _inFlight.Replaced : _deferred.Pending ? _deferred.Durable : Record;

    /// <inheritdoc/>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_deferred.Pending)
        {
            await FlushStartAsync();
        }
    }

    /// <inheritdoc/>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Record is not { IsClosed: false })
        {
            await DropReminderAsync();
            return;
        }

        await TickAsync();
    }

    /// <inheritdoc/>
    public async Task<TaskRecord?> TickAsync()
    {
        if (Record is { IsClosed: false })
        {
            await ApplyAsync(new TaskTick());
            Kick();
        }

        return Shown;
    }

    /// <summary>Makes <paramref name="next"/> the record (not yet durable), counting and logging its new transitions.</summary>
    private void Adopt(TaskRecord next)
    {
        var taskId = this.GetPrimaryKeyString();
        foreach (var transition in next.History[(Record?.History.Length ?? 0)..])
        {
            metrics.Transition(transition, next.SubmittedAt, next.Dispute?.Resolution);
            LogTransition(logger, taskId, transition.From, transition.To, transition.Cause, transition.Detail);
        }

        state.State.Record = next;
    }

    /// <summary>
    /// Writes the record (and what <paramref name="keep"/> adds); <paramref name="replaced"/> is the record before the
    /// change. A failed write may or may not have happened: the grain reads back what storage holds and goes on from
    /// there (or starts over in a new activation when it cannot read either), and the caller hears of the failure,
    /// never of the change.
    /// </summary>
    private async Task PersistAsync(TaskRecord? replaced, Action<TaskGrainState>? keep = null)
    {
        if (_deferred.Pending)
        {
            // This write carries the deferred start too: storage still holds the record from before it.
            replaced = _deferred.Durable;
            _deferred = default;
            _flush?.Dispose();
            _flush = null;
        }

        var (paymentLock, bondLock) = (state.State.PaymentLock, state.State.BondLock);
        keep?.Invoke(state.State);
        var record = Record!;

        // The durable trigger that brings an open task back after a restart, registered alongside its first write in
        // each activation (a failed registration is tried again with the next write).
        var reminder = _reminder is null && !record.IsClosed && record.Voucher is null ? RegisterReminderAsync() : Task.CompletedTask;
        _inFlight = (true, replaced);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            try
            {
                await state.ReadStateAsync();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                state.State.Record = replaced;
                (state.State.PaymentLock, state.State.BondLock) = (paymentLock, bondLock);
                DeactivateOnIdle();
            }

            throw;
        }
        finally
        {
            _inFlight = default;
            if (!ReferenceEquals(Record, record))
            {
                Recovered();
            }
        }

        Changed();
        ScheduleDeadline(record);
        await TellQuietlyAsync(reminder);
        if (record.IsClosed && record.Voucher is null)
        {
            await TellQuietlyAsync(DropReminderAsync());
        }
    }

    /// <summary>
    /// Keeps an agent's start (Assigned to Executing, which tells nobody) in the record without writing it: the write of
    /// what comes next, usually the agent's result, carries it, or <see cref="TaskSettings.StartWriteDelay"/> later a
    /// write of its own. Readers go on being shown the written record. Losing the start (a crash before the write) loses
    /// nothing: the agent's result for its attempt is taken as implying the start (<see cref="TaskMachine.Step"/>), and
    /// the attempt's deadlines still bound it.
    /// </summary>
    private void DeferStart(TaskRecord? durable)
    {
        if (!_deferred.Pending)
        {
            _deferred = (true, durable);
        }

        ScheduleDeadline(Record!);
        _flush ??= this.RegisterGrainTimer(FlushStartAsync, new GrainTimerCreationOptions(settings.StartWriteDelay, Timeout.InfiniteTimeSpan));
    }

    private async Task FlushStartAsync()
    {
        if (_deferred.Pending)
        {
            await PersistAsync(_deferred.Durable);
        }
    }

    /// <summary>After a failed write: what storage holds is the record; its news and questions are derived from it again.</summary>
    private void Recovered()
    {
        Changed();
        if (Record is { IsClosed: false } record)
        {
            ScheduleDeadline(record);
            _resume = true;
            RetryLater();
        }
    }

    /// <summary>Wakes the readers waiting for a change.</summary>
    private void Changed()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private async Task RegisterReminderAsync() =>
        _reminder = await this.RegisterOrUpdateReminder(ReminderName, settings.ReminderPeriod, settings.ReminderPeriod);

    private void ScheduleDeadline(TaskRecord record)
    {
        _deadline?.Dispose();
        _deadline = null;
        if (record.IsClosed || TaskMachine.NextDeadline(record) is not { } due)
        {
            return;
        }

        // Whole milliseconds, rounded up: a timer counts milliseconds on its own clock, and may still fire a little early.
        var delay = TimeSpan.FromMilliseconds(Math.Ceiling(Math.Max(0, (due - clock.GetUtcNow()).TotalMilliseconds)));
        _deadline = this.RegisterGrainTimer(DeadlineDueAsync, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan));
    }

    /// <summary>
    /// A tick before the deadline changes nothing, and nothing else would arm the timer again (the reminder is only a
    /// backstop, a minute apart): so a timer that fired early is armed again for the time that is left.
    /// </summary>
    private async Task DeadlineDueAsync()
    {
        await ApplyAsync(new TaskTick());
        if (Record is { IsClosed: false } record && TaskMachine.NextDeadline(record) > clock.GetUtcNow())
        {
            ScheduleDeadline(record);
        }
    }

    private async Task DropReminderAsync()
    {
        var reminder = _reminder ?? await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminder = null;
    }

    private async Task TellQuietlyAsync(Task call)
    {
        try
        {
            await call;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogTellFailed(logger, this.GetPrimaryKeyString(), exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId}: {From} -> {To} ({Cause}) {Detail}")]
    private static partial void LogTransition(ILogger logger, string taskId, TaskState? from, TaskState to, string cause, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: a best-effort notification failed")]
    private static partial void LogTellFailed(ILogger logger, string taskId, Exception exception);
}
