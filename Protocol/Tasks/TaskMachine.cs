using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Reputation;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// The task state machine, a pure function: <c>Decide(record, command, now, policy)</c> checks who may issue the
/// command and whether it is legal in the task's state, and returns the next record with the transition appended to
/// its history. Deadlines are applied by <see cref="TaskTick"/> at the time given. A failed attempt is requeued to
/// another agent until <see cref="TaskPolicy.MaxAttempts"/>, then the task fails and is refunded: nothing is dropped.
/// A command that would beat a deadline already passed (an assignment after the task's deadline, a result after the
/// attempt's, a dispute after the window, a verdict after the verdict deadline) is refused even before the tick comes,
/// so the outcome never depends on how late a reminder fires.
/// </summary>
public static partial class TaskMachine
{
    /// <summary>Decides <paramref name="command"/> for <paramref name="current"/> (null: the task does not exist yet).</summary>
    public static TaskDecision Decide(TaskRecord? current, TaskCommand command, DateTimeOffset now, TaskPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(policy);
        if (command is SubmitTask submit)
        {
            return Submit(current, submit, now);
        }

        if (current is null)
        {
            return Reject(null, TaskRejectionKind.NotFound, "no such task");
        }

        return command switch
        {
            HoldChanged hold => ChangeHold(current, hold, now, policy),
            AssignTask assign => Assign(current, assign, now, policy),
            StartTask start => Start(current, start, now),
            PostResult result => Post(current, result, now, policy),
            ReportFailure failure => Fail(current, failure, now, policy),
            AcceptResult accept => AcceptByClient(current, accept, now),
            DisputeResult dispute => OpenDispute(current, dispute, now),
            AppointVerifiers appoint => Appoint(current, appoint, now),
            GiveVerdict verdict => Judge(current, verdict, now),
            CancelTask cancel => Cancel(current, cancel, now),
            StartHosted start => StartHostedAttempt(current, start, now),
            PostVerifiedResult verified => PostVerified(current, verified, now),
            FailHosted failed => FailHostedAttempt(current, failed, now, policy),
            TaskTick => Tick(current, now, policy),
            ReportAcknowledged acknowledged => Acknowledge(current, acknowledged),
            _ => throw new ArgumentException($"Unknown command {command.GetType().Name}.", nameof(command)),
        };
    }

    /// <summary>The next time a deadline falls due for <paramref name="record"/>, or null when none is pending.</summary>
    public static DateTimeOffset? NextDeadline(TaskRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.State switch
        {
            TaskState.Pending => record.Terms.DeadlineAt,
            TaskState.Assigned or TaskState.Executing => record.AttemptDeadline,
            TaskState.Verifying => record.Result?.WindowEndsAt,
            TaskState.Disputed => record.Dispute?.Deadline,
            _ => null,
        };
    }

    private static TaskDecision Submit(TaskRecord? current, SubmitTask submit, DateTimeOffset now)
    {
        if (current is not null)
        {
            return current.Terms != submit.Terms ? Reject(current, TaskRejectionKind.Conflict, "a task with this id exists with other terms")
                : current.AcceptOnResult != submit.AcceptOnResult ? Reject(current, TaskRejectionKind.Conflict, "a task with this id exists with another way of acceptance")
                : Keep(current);
        }

        var terms = submit.Terms;
        if (terms.MaxPrice < 1)
        {
            return Reject(null, TaskRejectionKind.Invalid, "maxPrice must be at least 1");
        }

        if (submit.Fuel < 1)
        {
            return Reject(null, TaskRejectionKind.Invalid, "fuel must be at least 1");
        }

        if (terms.DeadlineAt <= now)
        {
            return Reject(null, TaskRejectionKind.Invalid, "the deadline has passed");
        }

        if (Blake2b.Content(System.Text.Encoding.UTF8.GetBytes(submit.Input)) != terms.InputHash)
        {
            return Reject(null, TaskRejectionKind.Invalid, "the input does not match the terms' input hash");
        }

        var created = new TaskRecord
        {
            Id = terms.TaskId(),
            Terms = terms,
            Input = submit.Input,
            Schemas = submit.Schemas,
            State = TaskState.Pending,
            Payment = submit.Voucher is null ? HoldState.Locking : HoldState.Locked,
            SubmittedAt = now,
            Voucher = submit.Voucher,
            AcceptOnResult = submit.AcceptOnResult,
            Fuel = submit.Fuel,
        };
        var submitted = Record(created, null, TaskState.Pending, now, submit.Name, terms.Client, null);
        return Accept(submit.Voucher is null ? submitted
            : Record(submitted, TaskState.Pending, TaskState.Pending, now, "payment-reserved", null, $"budget {submit.Voucher.BudgetId}"));
    }

    private static TaskDecision Assign(TaskRecord current, AssignTask assign, DateTimeOffset now, TaskPolicy policy)
    {
        if (current.State != TaskState.Pending || current.Payment != HoldState.Locked)
        {
            return Reject(current, TaskRejectionKind.Conflict, "only a pending task whose payment is locked can be assigned");
        }

        // A tick may lag the deadline; an attempt assigned after it would time out at once and be blamed on the agent.
        if (now >= current.Terms.DeadlineAt)
        {
            return Reject(current, TaskRejectionKind.Conflict, "the task's deadline has passed");
        }

        if (current.Attempt >= policy.MaxAttempts || current.FailedAgents.Contains(assign.Agent) || assign.Agent == current.Terms.Client)
        {
            return Reject(current, TaskRejectionKind.Conflict, "this agent cannot take this task");
        }

        if (assign.Price < 0 || assign.Price > current.Terms.MaxPrice)
        {
            return Reject(current, TaskRejectionKind.Invalid, "the agent's price exceeds the task's maxPrice");
        }

        var deadline = Min(now + policy.ExecutionTimeout, current.Terms.DeadlineAt);
        var next = current with { Attempt = current.Attempt + 1, Agent = assign.Agent, Price = assign.Price, AttemptDeadline = deadline, Reason = null, Module = assign.Module };
        return Accept(Move(next, TaskState.Assigned, now, assign.Name, null, $"attempt {next.Attempt}: {assign.Agent}"));
    }

    private static TaskDecision Start(TaskRecord current, StartTask start, DateTimeOffset now)
    {
        if (current.Module is not null)
        {
            return HostedOnly(current);
        }

        if (!HoldsAttempt(current, start.Agent))
        {
            return Reject(current, TaskRejectionKind.Forbidden, "only the assigned agent may start this task");
        }

        if (start.Attempt != current.Attempt)
        {
            return Reject(current, TaskRejectionKind.Conflict, "that attempt is over");
        }

        return current.State switch
        {
            TaskState.Assigned => Accept(Move(current, TaskState.Executing, now, start.Name, start.Agent, null)),
            TaskState.Executing => Keep(current),
            _ => Reject(current, TaskRejectionKind.Conflict, "the task is not waiting to be started"),
        };
    }

    private static TaskDecision Post(TaskRecord current, PostResult result, DateTimeOffset now, TaskPolicy policy)
    {
        if (current.Module is not null)
        {
            return HostedOnly(current);
        }

        if (!HoldsAttempt(current, result.Agent))
        {
            return Reject(current, TaskRejectionKind.Forbidden, "only the assigned agent may post a result");
        }

        if (Blake2b.Content(System.Text.Encoding.UTF8.GetBytes(result.Output)) != result.OutputHash)
        {
            return Reject(current, TaskRejectionKind.Invalid, "outputHash is not the Blake2b-256 of the output");
        }

        if (result.Attempt != current.Attempt)
        {
            return Reject(current, TaskRejectionKind.Conflict, "that attempt is over");
        }

        if (current.Result is { } posted)
        {
            return posted.OutputHash == result.OutputHash ? Keep(current) : Reject(current, TaskRejectionKind.Conflict, "a different result was already posted");
        }

        if (current.State != TaskState.Executing)
        {
            return Reject(current, TaskRejectionKind.Conflict, "start the task before posting its result");
        }

        // A tick may lag the deadline: a result after it does not count, whether or not the attempt was failed yet.
        if (now >= current.AttemptDeadline)
        {
            return Reject(current, TaskRejectionKind.Conflict, "the attempt's deadline has passed");
        }

        // Accepted in advance: the window closes as it opens, and the same command completes the task.
        var window = current.AcceptOnResult ? TimeSpan.Zero : policy.ChallengeWindow;
        var next = current with { Result = new TaskResult(result.Output, result.OutputHash, now, now + window), AttemptDeadline = null };
        var verifying = Move(next, TaskState.Verifying, now, result.Name, result.Agent, $"output {result.OutputHash}");
        return Accept(current.AcceptOnResult ? Complete(verifying, now, "accept", result.Agent, "accepted on result, as the client asked when it submitted") : verifying);
    }

    private static TaskDecision Fail(TaskRecord current, ReportFailure failure, DateTimeOffset now, TaskPolicy policy)
    {
        if (current.Module is not null)
        {
            return HostedOnly(current);
        }

        if (!HoldsAttempt(current, failure.Agent))
        {
            return Reject(current, TaskRejectionKind.Forbidden, "only the assigned agent may report its attempt failed");
        }

        return failure.Attempt != current.Attempt || !current.State.HasAttempt()
            ? Reject(current, TaskRejectionKind.Conflict, "that attempt is over")
            : Accept(FailAttempt(current, now, policy, failure.Name, failure.Agent, failure.Reason));
    }

    private static TaskDecision AcceptByClient(TaskRecord current, AcceptResult accept, DateTimeOffset now)
    {
        if (accept.Client != current.Terms.Client)
        {
            return Reject(current, TaskRejectionKind.Forbidden, "only the task's client may accept its result");
        }

        return current.State switch
        {
            TaskState.Verifying => Accept(Complete(current, now, accept.Name, accept.Client, "accepted by the client")),
            TaskState.Complete or TaskState.Settled when current.Dispute is null => Keep(current),
            _ => Reject(current, TaskRejectionKind.Conflict, "there is no result waiting for acceptance"),
        };
    }

    private static TaskDecision Cancel(TaskRecord current, CancelTask cancel, DateTimeOffset now)
    {
        if (cancel.Client != current.Terms.Client)
        {
            return Reject(current, TaskRejectionKind.Forbidden, "only the task's client may cancel it");
        }

        return current.State switch
        {
            TaskState.Pending => Accept(Move(current with { Reason = "cancelled by the client" }, TaskState.Cancelled, now, cancel.Name, cancel.Client, null)),
            TaskState.Cancelled => Keep(current),
            _ => Reject(current, TaskRejectionKind.Conflict, "a task can only be cancelled before it is assigned"),
        };
    }

    private static TaskDecision Tick(TaskRecord current, DateTimeOffset now, TaskPolicy policy)
    {
        if (NextDeadline(current) is not { } due || due > now)
        {
            return Keep(current);
        }

        const string cause = "deadline";
        return current.State switch
        {
            TaskState.Pending => Accept(Move(current with { Reason = "the deadline passed before an agent took the task" }, TaskState.Failed, now, cause, null, null)),
            TaskState.Assigned or TaskState.Executing => Accept(FailAttempt(current, now, policy, cause, null, "no result in time")),
            TaskState.Verifying => Accept(Complete(current, now, cause, null, "the challenge window ended")),
            TaskState.Disputed => Accept(Resolve(current, DisputeResolution.Undecided, now, cause, null)),
            _ => Keep(current),
        };
    }

    private static TaskDecision Acknowledge(TaskRecord current, ReportAcknowledged acknowledged)
    {
        var remaining = current.Reports.RemoveAll(r => r.ReportId == acknowledged.ReportId);
        return remaining.Length == current.Reports.Length ? Keep(current) : Accept(current with { Reports = remaining });
    }

    /// <summary>
    /// Whether <paramref name="agent"/> holds the task's attempt: it was assigned the latest one and that attempt did not
    /// fail. It stays so after its result (a repeated post is then a no-op or a conflict, never forbidden).
    /// </summary>
    private static bool HoldsAttempt(TaskRecord current, Did agent) => current.Agent == agent && !current.FailedAgents.Contains(agent);

    /// <summary>
    /// Ends the current attempt as failed (reported to the agent's reputation as <paramref name="outcome"/>): requeued to
    /// another agent while attempts and time remain, else the task fails.
    /// </summary>
    private static TaskRecord FailAttempt(TaskRecord current, DateTimeOffset now, TaskPolicy policy, string cause, Did? actor, string reason, TaskOutcome outcome = TaskOutcome.Failed)
    {
        var agent = current.Agent!.Value;
        var next = current with
        {
            FailedAgents = current.FailedAgents.Add(agent),
            Reports = current.Reports.Add(Report(current, outcome)),
            AttemptDeadline = null,
            Reason = reason,
        };
        var exhausted = current.Attempt >= policy.MaxAttempts || now >= current.Terms.DeadlineAt;
        return exhausted
            ? Move(next with { Reason = $"{reason}; no attempts or time left" }, TaskState.Failed, now, cause, actor, reason)
            : Move(next, TaskState.Pending, now, cause, actor, $"requeued after attempt {current.Attempt}: {reason}");
    }

    private static TaskRecord Complete(TaskRecord current, DateTimeOffset now, string cause, Did? actor, string detail) =>
        Move(current with { Reports = current.Reports.Add(Report(current, TaskOutcome.Completed)) }, TaskState.Complete, now, cause, actor, detail);

    private static OutcomeReportEntry Report(TaskRecord record, TaskOutcome outcome) =>
        new(record.Agent!.Value, $"{record.Id}/{record.Attempt}", outcome);

    private static TaskRecord Move(TaskRecord current, TaskState to, DateTimeOffset now, string cause, Did? actor, string? detail) =>
        Record(current with { State = to }, current.State, to, now, cause, actor, detail);

    private static TaskRecord Record(TaskRecord next, TaskState? from, TaskState to, DateTimeOffset now, string cause, Did? actor, string? detail) =>
        next with { History = next.History.Add(new TaskTransition(next.History.Length + 1, now, from, to, cause, actor, detail)) };

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TaskDecision Accept(TaskRecord next) => new(next, null);

    private static TaskDecision Keep(TaskRecord current) => new(current, null);

    private static TaskDecision Reject(TaskRecord? current, TaskRejectionKind kind, string reason) => new(current, new TaskRejection(kind, reason));
}
