namespace Ainur.Protocol.Tasks;

/// <summary>The ledger's answers about the task's holds: locks that became final or failed, and closes that became final.</summary>
public static partial class TaskMachine
{
    private static TaskDecision ChangeHold(TaskRecord current, HoldChanged change, DateTimeOffset now, TaskPolicy policy)
    {
        var before = change.Hold == HoldKind.Payment ? current.Payment : current.Bond;
        if (before == change.State)
        {
            return Keep(current);
        }

        var closable = change.Hold == HoldKind.Payment
            ? change.State == HoldState.Released ? current.State == TaskState.Complete : current.State is TaskState.Cancelled or TaskState.Failed
            : current.Dispute?.Resolution is not null;
        var legal = (before, change.State) switch
        {
            (HoldState.Locking, HoldState.Locked or HoldState.LockRejected) => true,
            // A refused lock applied later by a relay (the task does not use it: settlement refunds it), or past its expiry.
            (HoldState.LockRejected, HoldState.Locked or HoldState.Expired) => true,
            (HoldState.Locked, HoldState.Released or HoldState.Refunded) => closable,
            _ => false,
        };
        if (!legal)
        {
            return Reject(current, TaskRejectionKind.Conflict, $"the {change.Hold} hold cannot go from {before} to {change.State} while {current.State}");
        }

        var next = change.Hold == HoldKind.Payment ? current with { Payment = change.State } : current with { Bond = change.State };
        var cause = $"{change.Hold.ToString().ToLowerInvariant()}-{change.State.ToString().ToLowerInvariant()}";
        next = Record(next, current.State, current.State, now, cause, null, change.Reason);
        return Accept((change.Hold, change.State, current.State) switch
        {
            (HoldKind.Payment, HoldState.LockRejected, TaskState.Pending) =>
                Move(next with { Reason = $"the payment could not be locked: {change.Reason}" }, TaskState.Failed, now, cause, null, null),
            (HoldKind.Payment, HoldState.Released, TaskState.Complete) => Move(next, TaskState.Settled, now, cause, null, null),
            (HoldKind.Bond, HoldState.Locked, TaskState.Disputed) => next with { Dispute = next.Dispute! with { Deadline = now + policy.VerdictTimeout } },
            (HoldKind.Bond, HoldState.LockRejected, TaskState.Disputed) => Resolve(next, DisputeResolution.Void, now, cause, null),
            _ => next,
        });
    }
}
