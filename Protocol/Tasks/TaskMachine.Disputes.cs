using System.Collections.Immutable;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Reputation;

namespace Ainur.Protocol.Tasks;

/// <summary>Disputes: opened by the client in the window, judged by appointed verifiers, resolved by majority or deadline.</summary>
public static partial class TaskMachine
{
    private static TaskDecision OpenDispute(TaskRecord current, DisputeResult dispute, DateTimeOffset now)
    {
        if (dispute.Client != current.Terms.Client)
        {
            return Reject(current, TaskRejectionKind.Forbidden, "only the task's client may dispute its result");
        }

        if (current.State == TaskState.Disputed)
        {
            return Keep(current);
        }

        if (current.State != TaskState.Verifying || now >= current.Result!.WindowEndsAt)
        {
            return Reject(current, TaskRejectionKind.Conflict, "a result can only be disputed within its challenge window");
        }

        var next = current with { Bond = HoldState.Locking, Dispute = new DisputeRecord(now, false, [], [], null, null) };
        return Accept(Move(next, TaskState.Disputed, now, dispute.Name, dispute.Client, dispute.Reason));
    }

    private static TaskDecision Appoint(TaskRecord current, AppointVerifiers appoint, DateTimeOffset now)
    {
        if (current.State != TaskState.Disputed || current.Bond != HoldState.Locked || current.Dispute!.Appointed)
        {
            return Reject(current, TaskRejectionKind.Conflict, "no dispute is waiting for verifiers");
        }

        var verifiers = appoint.Verifiers.Distinct().Where(v => v != current.Agent && v != current.Terms.Client).ToImmutableArray();
        var next = current with { Dispute = current.Dispute with { Appointed = true, Verifiers = verifiers } };
        next = Record(next, TaskState.Disputed, TaskState.Disputed, now, appoint.Name, null, $"{verifiers.Length} verifier(s)");
        return Accept(verifiers.IsEmpty ? Resolve(next, DisputeResolution.Undecided, now, appoint.Name, null) : next);
    }

    private static TaskDecision Judge(TaskRecord current, GiveVerdict verdict, DateTimeOffset now)
    {
        if (current.Dispute is not { } dispute || !dispute.Verifiers.Contains(verdict.Verifier))
        {
            return Reject(current, TaskRejectionKind.Forbidden, "only an appointed verifier may give a verdict");
        }

        if (dispute.Verdicts.FirstOrDefault(v => v.Verifier == verdict.Verifier) is { } given)
        {
            return given.Upholds == verdict.Upholds ? Keep(current) : Reject(current, TaskRejectionKind.Conflict, "this verifier already gave another verdict");
        }

        // A tick may lag the deadline: a verdict after it must not overturn the Undecided that is due.
        if (current.State != TaskState.Disputed || now >= dispute.Deadline)
        {
            return Reject(current, TaskRejectionKind.Conflict, "the dispute is over");
        }

        var judged = dispute with { Verdicts = dispute.Verdicts.Add(new Verdict(verdict.Verifier, verdict.Upholds)) };
        var next = Record(current with { Dispute = judged }, TaskState.Disputed, TaskState.Disputed, now, verdict.Name, verdict.Verifier, verdict.Upholds ? "upholds" : "rejects");
        var quorum = judged.Verifiers.Length;
        if (judged.Upheld * 2 > quorum)
        {
            return Accept(Resolve(next, DisputeResolution.AgentWins, now, verdict.Name, verdict.Verifier));
        }

        return Accept(judged.Rejected * 2 > quorum ? Resolve(next, DisputeResolution.ClientWins, now, verdict.Name, verdict.Verifier) : next);
    }

    /// <summary>Ends the dispute: the result stands (Complete) unless the verifiers' majority rejected it (Failed, refunded, slashed).</summary>
    private static TaskRecord Resolve(TaskRecord current, DisputeResolution resolution, DateTimeOffset now, string cause, Did? actor)
    {
        var next = current with { Dispute = current.Dispute! with { Resolution = resolution } };
        var detail = $"dispute {resolution}";
        if (resolution != DisputeResolution.ClientWins)
        {
            return Complete(next, now, cause, actor, detail);
        }

        next = next with { Reports = next.Reports.Add(Report(next, TaskOutcome.DisputeLost)), Reason = "the verifiers rejected the result" };
        return Move(next, TaskState.Failed, now, cause, actor, detail);
    }
}
