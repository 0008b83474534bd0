using Ainur.Protocol.Reputation;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// Hosted attempts (<see cref="TaskRecord.Module"/> set): the node starts them, a result verified by re-execution completes
/// the task at once, a failure fails the attempt; the agent's own commands are refused for them.
/// </summary>
public static partial class TaskMachine
{
    private static TaskDecision HostedOnly(TaskRecord current) =>
        Reject(current, TaskRejectionKind.Forbidden, "this attempt is hosted: the node runs the agent's module, and only its verified outcome ends the attempt");

    private static TaskDecision StartHostedAttempt(TaskRecord current, StartHosted start, DateTimeOffset now)
    {
        if (current.Module is null || current.Agent != start.Agent || start.Attempt != current.Attempt)
        {
            return Reject(current, TaskRejectionKind.Conflict, "that attempt is over");
        }

        return current.State switch
        {
            TaskState.Assigned => Accept(Move(current, TaskState.Executing, now, start.Name, null, "hosted")),
            TaskState.Executing => Keep(current),
            _ => Reject(current, TaskRejectionKind.Conflict, "the task is not waiting to be started"),
        };
    }

    private static TaskDecision PostVerified(TaskRecord current, PostVerifiedResult verified, DateTimeOffset now)
    {
        if (current.Module is null || !HoldsAttempt(current, verified.Agent) || verified.Attempt != current.Attempt)
        {
            return Reject(current, TaskRejectionKind.Conflict, "that attempt is over");
        }

        if (Hashing.Blake2b.Content(System.Text.Encoding.UTF8.GetBytes(verified.Output)) != verified.OutputHash)
        {
            return Reject(current, TaskRejectionKind.Invalid, "outputHash is not the Blake2b-256 of the output");
        }

        if (current.Result is { } posted)
        {
            return posted.OutputHash == verified.OutputHash ? Keep(current) : Reject(current, TaskRejectionKind.Conflict, "a different result was already posted");
        }

        if (!current.State.HasAttempt() || now >= current.AttemptDeadline)
        {
            return Reject(current, TaskRejectionKind.Conflict, "the attempt's deadline has passed");
        }

        var started = current.State == TaskState.Assigned ? Move(current, TaskState.Executing, now, "start", null, "hosted") : current;
        var next = started with { Result = new TaskResult(verified.Output, verified.OutputHash, now, now), AttemptDeadline = null };
        var verifying = Move(next, TaskState.Verifying, now, "result", null, $"output {verified.OutputHash}");
        return Accept(Complete(verifying, now, verified.Name, null, verified.Detail));
    }

    private static TaskDecision FailHostedAttempt(TaskRecord current, FailHosted failed, DateTimeOffset now, TaskPolicy policy)
    {
        if (current.Module is null || !HoldsAttempt(current, failed.Agent) || failed.Attempt != current.Attempt || !current.State.HasAttempt())
        {
            return Reject(current, TaskRejectionKind.Conflict, "that attempt is over");
        }

        return failed.NonDeterministic
            ? Accept(FailAttempt(current with { Slashed = current.Slashed.Add(failed.Agent) }, now, policy, failed.Name, null, failed.Reason, TaskOutcome.DisputeLost))
            : Accept(FailAttempt(current, now, policy, failed.Name, null, failed.Reason));
    }
}
