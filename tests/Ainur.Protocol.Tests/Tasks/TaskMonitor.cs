using System.Collections.Concurrent;
using Ainur.Protocol.Reputation;
using Ainur.Protocol.Tasks;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary>
/// Sends commands to one task through <see cref="TaskMachine.Decide"/> and checks every decision against the rules
/// the machine must keep whatever it is sent: refusals change nothing (not even the instance) and only a caller who
/// may not issue a command is Forbidden; every accepted change appends legal transitions (per <see cref="TaskTransitions"/>)
/// by the caller's kind; terminal states only see hold and report bookkeeping; holds move only forward and close the
/// right way; attempts stay within the policy and never go back to a failed agent; each ended attempt reports exactly
/// once; no command but a tick acts on a deadline that has passed; a dispute ends only by a strict majority, its
/// deadline, an empty appointment or a refused bond; and <see cref="TaskObligations"/> names exactly what the machine
/// would accept next from the node. A violation fails with the commands so far.
/// </summary>
internal sealed class TaskMonitor(TaskWorld world)
{
    private readonly HashSet<string> _reported = [];
    private readonly List<(DateTimeOffset At, TaskCommand Command, TaskDecision Decision)> _trace = [];

    /// <summary>The task as it stands.</summary>
    public TaskRecord? Record { get; private set; }

    /// <summary>The time of the last command.</summary>
    public DateTimeOffset Now { get; private set; } = world.Start;

    /// <summary>Every (from, to, actor) the decisions seen so far recorded, for coverage.</summary>
    public ConcurrentDictionary<(TaskState? From, TaskState To, TaskActor By), int>? Seen { get; init; }

    /// <summary>Decides <paramref name="command"/> at <paramref name="at"/> (not before the last command), checks the decision, and keeps its record.</summary>
    public TaskDecision Apply(TaskCommand command, DateTimeOffset at)
    {
        var before = Record;
        Now = at > Now ? at : Now;
        var decision = TaskMachine.Decide(before, command, Now, world.Policy);
        _trace.Add((Now, command, decision));
        Check(before, command, decision);
        Record = decision.Next;
        return decision;
    }

    /// <summary>Checks what only the whole run shows: each attempt that ended reported exactly once.</summary>
    public void Finish()
    {
        var record = Record!;
        var running = record.State.HasAttempt() || record.State is TaskState.Verifying or TaskState.Disputed;
        var ended = running ? record.Attempt - 1 : record.Attempt;
        That(_reported.SetEquals(Enumerable.Range(1, ended).Select(n => $"{record.Id}/{n}")), "each attempt that ended reported exactly once");
    }

    /// <summary>Fails the test with <paramref name="what"/>, the record and the commands so far, unless <paramref name="ok"/>.</summary>
    public void That(bool ok, string what)
    {
        if (!ok)
        {
            var names = world.People.Select((p, i) => (p, i == 0 ? "client" : i == world.People.Length - 1 ? "stranger" : $"agent{i}")).ToDictionary();
            var steps = _trace.Select(t => $"  {(t.At - world.Start).TotalMilliseconds,9} ms {t.Command.Name} by {(t.Command.Caller is { } c ? names[c] : "system")}: "
                + $"{Describe(t.Command)} -> {(t.Decision.Rejection is { } r ? $"{r.Kind} ({r.Reason})" : t.Decision.Next?.State.ToString())}");
            Assert.Fail($"{what}\npolicy: {world.Policy}\nrecord: {Record}\ncommands:\n{string.Join('\n', steps)}");
        }
    }

    private static string Describe(TaskCommand command) => command switch
    {
        HoldChanged h => $"{h.Hold} {h.State}",
        AssignTask a => $"{a.Agent.Value[^6..]} at {a.Price}",
        StartTask s => $"attempt {s.Attempt}",
        PostResult p => $"attempt {p.Attempt} {p.Output}",
        ReportFailure f => $"attempt {f.Attempt}",
        AppointVerifiers v => string.Join(',', v.Verifiers.Select(d => d.Value[^6..])),
        GiveVerdict v => v.Upholds ? "upholds" : "rejects",
        ReportAcknowledged r => r.ReportId[^4..],
        _ => string.Empty,
    };

    private void Check(TaskRecord? before, TaskCommand command, TaskDecision decision)
    {
        if (before is not null && command is not SubmitTask)
        {
            var forbidden = decision.Rejection?.Kind == TaskRejectionKind.Forbidden;
            That(forbidden != TaskWorld.MayIssue(before, command), forbidden ? "only a caller who may not issue a command is Forbidden" : "a caller who may not issue a command is Forbidden");
        }

        var after = decision.Next;
        if (decision.IsRejected || ReferenceEquals(before, after))
        {
            That(ReferenceEquals(before, after), "a rejection leaves the record the same instance");
            return;
        }

        That(after is not null, "an accepted command leaves a record");
        CheckHistory(before, command, after!);
        CheckTerminal(before, after!);
        CheckHolds(before, after!);
        CheckAttempts(before, command, after!);
        CheckReports(before, command, after!);
        CheckDeadlines(before, command, after!);
        CheckDispute(before, command, after!);
        CheckObligations(after!);
        That(!after!.AcceptOnResult || after.State is not (TaskState.Verifying or TaskState.Disputed), "a task accepted on result goes from its result straight to Complete");
    }

    private void CheckHistory(TaskRecord? before, TaskCommand command, TaskRecord after)
    {
        var prior = before?.History ?? [];
        That(after.History.Length >= prior.Length && prior.Select((t, i) => ReferenceEquals(t, after.History[i])).All(same => same), "history is append-only");
        if (command is ReportAcknowledged)
        {
            That(before is not null && after.Reports.Length < before.Reports.Length && after with { Reports = before.Reports } == before,
                "an acknowledgement only takes the report out");
            return;
        }

        That(after.History.Length > prior.Length, "every other change appends to the history");
        var by = world.ActorOf(before, command.Caller);
        That(by is not null, "a change comes from the client, the agent, a verifier or the system");
        for (var i = prior.Length; i < after.History.Length; i++)
        {
            var entry = after.History[i];
            That(entry.Sequence == i + 1, "history sequence numbers are 1..n");
            That(entry.At == Now && entry.Actor == command.Caller, "a transition records when and by whom");
            That(entry.From == (i == 0 ? null : after.History[i - 1].To), "each transition starts where the one before ended");
            That(TaskTransitions.IsLegal(entry.From, entry.To, by!.Value), $"the transition {entry.From} -> {entry.To} by {by} is legal");
            Seen?.AddOrUpdate((entry.From, entry.To, by.Value), 1, (_, n) => n + 1);
        }

        That(after.History[^1].To == after.State, "the last transition ends in the task's state");
    }

    private void CheckTerminal(TaskRecord? before, TaskRecord after)
    {
        if (before is { State: var state } && state.IsTerminal())
        {
            That(after.State == state && after with { Payment = before.Payment, Bond = before.Bond, Reports = before.Reports, History = before.History } == before,
                "a terminal task changes only its holds, reports and history");
        }
    }

    private void CheckHolds(TaskRecord? before, TaskRecord after)
    {
        var payment = before?.Payment ?? HoldState.None;
        if (payment != after.Payment)
        {
            That(MovesForward(payment, after.Payment), $"the payment goes Locking -> Locked|LockRejected(-> Locked|Expired) -> Released|Refunded, not {payment} -> {after.Payment}");
            That(after.Payment != HoldState.Locking || before is null, "only submission asks for the payment lock");
            That(after.Payment != HoldState.Released || before!.State == TaskState.Complete && after.State == TaskState.Settled, "the payment is released only after Complete, and that settles the task");
            That(after.Payment != HoldState.Refunded || before!.State is TaskState.Cancelled or TaskState.Failed, "the payment is refunded only for Cancelled or Failed");
        }

        var bond = before?.Bond ?? HoldState.None;
        if (bond != after.Bond)
        {
            That(MovesForward(bond, after.Bond), $"the bond goes Locking -> Locked|LockRejected(-> Locked|Expired) -> Released|Refunded, not {bond} -> {after.Bond}");
            That(after.Bond != HoldState.Locking || before!.State == TaskState.Verifying && after.State == TaskState.Disputed, "only a dispute asks for the bond");
            That(after.Bond is not (HoldState.Released or HoldState.Refunded) || before!.Dispute?.Resolution is not null, "the bond closes only after the dispute is decided");
        }

        var paymentHeld = after.State.HasAttempt() || after.State is TaskState.Verifying or TaskState.Disputed or TaskState.Complete;
        That(!paymentHeld || after.Payment == HoldState.Locked, "from assignment to Complete the payment is locked");
        That(after.State != TaskState.Settled || after.Payment == HoldState.Released, "a settled task's payment is released");
    }

    private static bool MovesForward(HoldState from, HoldState to) => (from, to) switch
    {
        (HoldState.None, HoldState.Locking) => true,
        (HoldState.Locking, HoldState.Locked or HoldState.LockRejected) => true,
        (HoldState.LockRejected, HoldState.Locked or HoldState.Expired) => true,
        (HoldState.Locked, HoldState.Released or HoldState.Refunded) => true,
        _ => false,
    };

    private void CheckAttempts(TaskRecord? before, TaskCommand command, TaskRecord after)
    {
        var attempt = before?.Attempt ?? 0;
        var failed = before?.FailedAgents ?? [];
        That(after.Attempt <= world.Policy.MaxAttempts, "attempts never exceed MaxAttempts");
        That(after.Attempt == attempt || after.Attempt == attempt + 1 && command is AssignTask, "only an assignment starts an attempt, one at a time");
        That(after.FailedAgents.Length >= failed.Length && failed.SequenceEqual(after.FailedAgents.Take(failed.Length)), "failed agents are never forgotten");
        That(after.FailedAgents.Length <= failed.Length + 1, "one attempt fails at a time");
        if (command is AssignTask assign && after.Attempt > attempt)
        {
            That(!failed.Contains(assign.Agent), "an agent whose attempt failed is never assigned again");
            That(assign.Agent != world.Client && after.Agent == assign.Agent, "the client never works on its own task");
            That(after.Price >= 0 && after.Price <= world.Terms.MaxPrice, "the price is within maxPrice");
            That(after.AttemptDeadline > Now && after.AttemptDeadline <= world.Terms.DeadlineAt, "an attempt gets time, and not beyond the task's deadline");
        }

        That(after.State != TaskState.Pending || after.Attempt < world.Policy.MaxAttempts, "a task waiting for an agent has an attempt left");
        if (after.State.HasAttempt())
        {
            That(after.AttemptDeadline is not null && after.Agent is { } agent && !after.FailedAgents.Contains(agent), "a running attempt has a deadline and a live agent");
        }
    }

    private void CheckReports(TaskRecord? before, TaskCommand command, TaskRecord after)
    {
        var prior = before?.Reports ?? [];
        var added = after.Reports.Except(prior).ToList();
        var removed = prior.Except(after.Reports).ToList();
        That(removed.Count == 0 || command is ReportAcknowledged ack && removed.All(r => r.ReportId == ack.ReportId), "only an acknowledgement takes a report out");
        var ended = Ended(before, after);
        if (ended is not { } outcome)
        {
            That(added.Count == 0, "a report is added only when an attempt ends");
            return;
        }

        That(added.Count == 1, "an attempt that ends adds exactly one report");
        var report = added[0];
        That(report.Outcome == outcome && report.Agent == before!.Agent, $"the attempt's agent gets a {outcome} report");
        That(report.ReportId == $"{before!.Id}/{before.Attempt}" && _reported.Add(report.ReportId), "a report id is (task, attempt) and never produced twice");
    }

    // How the attempt running in `before` ended, if this change ended it.
    private static TaskOutcome? Ended(TaskRecord? before, TaskRecord after) => (before?.State, after.State) switch
    {
        // A hosted module that proved non-deterministic loses as a dispute does (its agent is then in Slashed).
        (TaskState.Assigned or TaskState.Executing, TaskState.Pending or TaskState.Failed) =>
            after.Slashed.Length > before!.Slashed.Length ? TaskOutcome.DisputeLost : TaskOutcome.Failed,
        // A verified hosted result completes its attempt in one step, from Assigned when the node's start was not recorded.
        (TaskState.Assigned or TaskState.Executing or TaskState.Verifying or TaskState.Disputed, TaskState.Complete) => TaskOutcome.Completed,
        (TaskState.Disputed, TaskState.Failed) => TaskOutcome.DisputeLost,
        _ => null,
    };

    private void CheckDeadlines(TaskRecord? before, TaskCommand command, TaskRecord after)
    {
        if (before is null)
        {
            return;
        }

        if (command is TaskTick)
        {
            That(TaskMachine.NextDeadline(before) <= Now, "a tick changes a task only when a deadline is due");
            return;
        }

        That(!(before.State == TaskState.Pending && after.State == TaskState.Assigned) || Now < world.Terms.DeadlineAt, "no assignment after the task's deadline");
        That(!(before.State == TaskState.Executing && after.Result is not null) || Now < before.AttemptDeadline, "no result after the attempt's deadline");
        That(!(before.State == TaskState.Verifying && after.State == TaskState.Disputed) || Now < before.Result!.WindowEndsAt, "no dispute after the challenge window");
        var verdicts = after.Dispute?.Verdicts.Length ?? 0;
        That(verdicts == (before.Dispute?.Verdicts.Length ?? 0) || Now < before.Dispute!.Deadline, "no verdict after the verdict deadline");
    }

    // A dispute ends by a strict majority of the appointed verifiers, by its deadline or an empty appointment
    // (Undecided), or by the bond lock failing (Void); while it is open no majority exists.
    private void CheckDispute(TaskRecord? before, TaskCommand command, TaskRecord after)
    {
        if (after.Dispute is not { } dispute || before?.Dispute?.Resolution is not null)
        {
            return;
        }

        var quorum = dispute.Verifiers.Length;
        var agentMajority = dispute.Upheld * 2 > quorum;
        var clientMajority = dispute.Rejected * 2 > quorum;
        That(dispute.Resolution switch
        {
            null => !agentMajority && !clientMajority,
            DisputeResolution.AgentWins => agentMajority && command is GiveVerdict,
            DisputeResolution.ClientWins => clientMajority && command is GiveVerdict,
            DisputeResolution.Undecided => !agentMajority && !clientMajority && (command is TaskTick || command is AppointVerifiers && quorum == 0),
            DisputeResolution.Void => command is HoldChanged { Hold: HoldKind.Bond, State: HoldState.LockRejected },
            _ => false,
        }, $"a dispute resolved {dispute.Resolution} by {command.Name} with {dispute.Upheld} up, {dispute.Rejected} down of {quorum}");
    }

    // The obligations say exactly what the machine would accept next from the node: probe it with those commands.
    // (They are derived from the record alone; once a deadline is due, the tick comes first.)
    private void CheckObligations(TaskRecord after)
    {
        var owed = TaskObligations.Of(after);
        if (world.Agents.FirstOrDefault(a => !after.FailedAgents.Contains(a)) is { Value: not null } eligible && Now < world.Terms.DeadlineAt)
        {
            That(owed.NeedsAgent == Accepts(after, new AssignTask(eligible, 0)), "NeedsAgent exactly when an assignment would be accepted");
        }

        That(owed.NeedsVerifiers == Accepts(after, new AppointVerifiers([])), "NeedsVerifiers exactly when an appointment would be accepted");
        That(owed.OfferTo == (after.State == TaskState.Assigned ? after.Agent : null), "the task is offered to the agent of the attempt while Assigned");
        if (Now < after.Dispute?.Deadline)
        {
            That(owed.AskVerifiers.All(v => Accepts(after, new GiveVerdict(v, true))), "every verifier asked may give its verdict until the deadline");
        }

        var closes = FairEnvironment.Closes(after);
        var locking = after.Payment == HoldState.Locking || after.Bond == HoldState.Locking;
        That(owed.Settle == (!locking && closes.Count > 0 && closes.All(c => Accepts(after, c))), "Settle exactly when every locked hold may close and no lock is in flight");
    }

    private bool Accepts(TaskRecord record, TaskCommand probe)
    {
        var decision = TaskMachine.Decide(record, probe, Now, world.Policy);
        return !decision.IsRejected && !ReferenceEquals(decision.Next, record);
    }
}
