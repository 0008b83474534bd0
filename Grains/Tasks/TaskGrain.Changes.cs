using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Tasks;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace Ainur.Grains.Tasks;

/// <summary>What follows a durable change: telling waiters and subscribers, deadlines, the reminder, the roster.</summary>
internal sealed partial class TaskGrain
{
    private const string ReminderName = "task";
    private IGrainTimer? _deadline;
    private IGrainReminder? _reminder;

    /// <inheritdoc/>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_stored is not { } record || record.IsClosed)
        {
            await DropReminderAsync();
            return;
        }

        await ApplyAsync(new TaskTick());
        Kick();
    }

    private async Task AfterChangeAsync(TaskRecord? before, TaskRecord after)
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();

        var fresh = after.History[(before?.History.Length ?? 0)..];
        var taskId = this.GetPrimaryKeyString();
        foreach (var transition in fresh)
        {
            metrics.Transition(transition, after.SubmittedAt, after.Dispute?.Resolution);
            LogTransition(logger, taskId, transition.From, transition.To, transition.Cause, transition.Detail);
        }

        if (_reminder is null && !after.IsClosed && after.Voucher is null)
        {
            // The durable trigger that brings the task back after a restart: registered before the submit is answered,
            // and again by the first change of every activation (a failed registration is retried that way). A budget's
            // task has none: its budget's reminder wakes the tasks it holds reservations for.
            _reminder = await this.RegisterOrUpdateReminder(ReminderName, settings.ReminderPeriod, settings.ReminderPeriod);
        }

        if (before is { Agent: { } agent } && before.State.HasAttempt() && (!after.State.HasAttempt() || after.Attempt != before.Attempt))
        {
            await TellQuietlyAsync(GrainFactory.GetGrain<ICapabilityRosterGrain>(after.Terms.Capability).DoneAsync(agent));
            await TellQuietlyAsync(GrainFactory.GetGrain<IAgentFeedGrain>(agent.Value).WithdrawAsync(after.Id));
        }

        await PublishAsync(fresh);
        ScheduleDeadline(after);
        if (after.IsClosed)
        {
            await TellQuietlyAsync(DropReminderAsync());
        }
        else
        {
            Kick();
        }
    }

    /// <summary>Best effort: memory streams deliver at most once; the history is the durable copy.</summary>
    private async Task PublishAsync(IEnumerable<TaskTransition> transitions)
    {
        var stream = this.GetStreamProvider(AinurStreams.Provider)
            .GetStream<TaskTransition>(StreamId.Create(AinurStreams.TaskEvents, this.GetPrimaryKeyString()));
        foreach (var transition in transitions)
        {
            await TellQuietlyAsync(stream.OnNextAsync(transition));
        }
    }

    private void ScheduleDeadline(TaskRecord record)
    {
        _deadline?.Dispose();
        _deadline = null;
        if (TaskMachine.NextDeadline(record) is not { } due)
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
        if (_stored is { IsClosed: false } record && TaskMachine.NextDeadline(record) > clock.GetUtcNow())
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
