using Ainur.Protocol.Identity;
using Ainur.Protocol.Reputation;
using Ainur.Protocol.Tasks;
using static Ainur.Protocol.Tests.Tasks.TaskScenario;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary>The challenge window, disputes, verdicts and how settlement closes the holds.</summary>
public sealed class TaskVerificationTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void SilentClient_IsPaidAtTheEndOfTheWindow()
    {
        var task = new TaskScenario().Verifying(Alice);
        var windowEnds = task.Record.Result!.WindowEndsAt;

        task.NoOp(new TaskTick(), windowEnds - task.Now - Second);
        Assert.False(task.Owed.Settle);
        var complete = task.Do(new TaskTick(), Second);

        Assert.Equal(TaskState.Complete, complete.State);
        Assert.Equal(new OutcomeReportEntry(Alice, $"{complete.Id}/1", TaskOutcome.Completed), Assert.Single(complete.Reports));
        Assert.True(task.Owed.Settle);
        Assert.Equal(TaskState.Settled, task.Do(new HoldChanged(HoldKind.Payment, HoldState.Released, null)).State);
    }

    [Fact]
    public void Accept_InTheWindow_CompletesAtOnce()
    {
        var task = new TaskScenario().Verifying(Alice);

        var complete = task.Do(new AcceptResult(Client), Second);

        Assert.Equal(TaskState.Complete, complete.State);
        Assert.Equal(TaskOutcome.Completed, Assert.Single(complete.Reports).Outcome);
        Assert.True(task.Owed.Settle);
        Assert.Null(TaskMachine.NextDeadline(complete));
    }

    [Fact]
    public void AcceptedOnResult_ThePostCompletesTheTask_WithoutAWindowOrADispute()
    {
        var task = new TaskScenario(acceptOnResult: true).Executing(Alice);

        var complete = task.Do(TaskWorld.Result(Alice, 1, "{}"), Second);

        Assert.Equal(TaskState.Complete, complete.State);
        Assert.Equal([TaskState.Verifying, TaskState.Complete], complete.History[^2..].Select(t => t.To));
        Assert.All(complete.History[^2..], t => Assert.Equal(Alice, t.Actor));
        Assert.Equal(complete.Result!.PostedAt, complete.Result.WindowEndsAt);
        Assert.Equal(TaskOutcome.Completed, Assert.Single(complete.Reports).Outcome);
        Assert.True(task.Owed.Settle);
        task.NoOp(TaskWorld.Result(Alice, 1, "{}"));
        task.NoOp(new AcceptResult(Client));
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new DisputeResult(Client, "too late")));
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(task.World.Submit() with { AcceptOnResult = false }));
    }

    [Fact]
    public void Accept_ByAnyoneButTheClient_IsForbidden()
    {
        var task = new TaskScenario().Verifying(Alice);

        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new AcceptResult(Alice)));
        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new AcceptResult(Stranger)));
    }

    [Fact]
    public void Dispute_InTheWindowByTheClient_AsksForTheBond()
    {
        var task = new TaskScenario().Verifying(Alice);

        var disputed = task.Do(new DisputeResult(Client, "wrong"), DefaultPolicy.ChallengeWindow - Second);

        Assert.Equal(TaskState.Disputed, disputed.State);
        Assert.Equal(HoldState.Locking, disputed.Bond);
        Assert.False(task.Owed.NeedsVerifiers);
        Assert.Null(TaskMachine.NextDeadline(disputed));
        task.Do(new HoldChanged(HoldKind.Bond, HoldState.Locked, null));
        Assert.True(task.Owed.NeedsVerifiers);
        task.NoOp(new DisputeResult(Client, "again"));
    }

    [Fact]
    public void Dispute_AfterTheWindowOrByAnotherCaller_IsRefused()
    {
        var task = new TaskScenario().Verifying(Alice);

        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new DisputeResult(Stranger, "wrong")));
        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new DisputeResult(Alice, "wrong")));
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new DisputeResult(Client, "late"), DefaultPolicy.ChallengeWindow));
    }

    [Fact]
    public void Verdicts_MajorityUpholds_AgentWinsAndTheTaskCompletes()
    {
        var task = new TaskScenario().Disputed(Alice, Bob, Carol, Dave);

        task.Do(new GiveVerdict(Bob, Upholds: false));
        Assert.Equal(TaskState.Disputed, task.Do(new GiveVerdict(Carol, Upholds: true)).State);
        var complete = task.Do(new GiveVerdict(Dave, Upholds: true));

        Assert.Equal(TaskState.Complete, complete.State);
        Assert.Equal(DisputeResolution.AgentWins, complete.Dispute!.Resolution);
        Assert.Equal(TaskOutcome.Completed, Assert.Single(complete.Reports).Outcome);
        Assert.True(task.Owed.Settle);
    }

    [Fact]
    public void Verdicts_MajorityRejects_ClientWinsAndTheTaskFailsWithDisputeLost()
    {
        var task = new TaskScenario().Disputed(Alice, Bob, Carol, Dave);

        task.Do(new GiveVerdict(Bob, Upholds: false));
        var failed = task.Do(new GiveVerdict(Carol, Upholds: false));

        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Equal(DisputeResolution.ClientWins, failed.Dispute!.Resolution);
        Assert.Equal(new OutcomeReportEntry(Alice, $"{failed.Id}/1", TaskOutcome.DisputeLost), Assert.Single(failed.Reports));
        Assert.True(task.Owed.Settle);
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new GiveVerdict(Dave, Upholds: true)));
        task.NoOp(new GiveVerdict(Carol, Upholds: false));
    }

    [Fact]
    public void Verdicts_NoMajorityByTheDeadline_UndecidedAndTheResultStands()
    {
        var task = new TaskScenario().Disputed(Alice, Bob, Carol);
        task.Do(new GiveVerdict(Bob, Upholds: true));
        task.Do(new GiveVerdict(Carol, Upholds: false));

        task.NoOp(new TaskTick(), DefaultPolicy.VerdictTimeout - Second);
        var complete = task.Do(new TaskTick(), Second);

        Assert.Equal(TaskState.Complete, complete.State);
        Assert.Equal(DisputeResolution.Undecided, complete.Dispute!.Resolution);
        Assert.Equal(TaskOutcome.Completed, Assert.Single(complete.Reports).Outcome);
    }

    // A late reminder must not let a late verdict overturn the Undecided that is due.
    [Fact]
    public void Verdict_AfterTheDeadlineBeforeItsTick_IsRefused()
    {
        var task = new TaskScenario().Disputed(Alice, Bob);

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new GiveVerdict(Bob, Upholds: false), DefaultPolicy.VerdictTimeout));
        Assert.Equal(DisputeResolution.Undecided, task.Do(new TaskTick()).Dispute!.Resolution);
    }

    [Fact]
    public void Verdict_ByAnyoneNotAppointed_IsForbidden()
    {
        var task = new TaskScenario().Disputed(Alice, Bob, Carol);

        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new GiveVerdict(Dave, Upholds: true)));
        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new GiveVerdict(Alice, Upholds: true)));
        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new GiveVerdict(Client, Upholds: false)));
    }

    [Fact]
    public void BondLockRejected_VoidsTheDisputeAndTheResultStands()
    {
        var task = new TaskScenario().Verifying(Alice);
        task.Do(new DisputeResult(Client, "wrong"));

        var complete = task.Do(new HoldChanged(HoldKind.Bond, HoldState.LockRejected, "balance too low"));

        Assert.Equal(TaskState.Complete, complete.State);
        Assert.Equal(DisputeResolution.Void, complete.Dispute!.Resolution);
        Assert.Equal(TaskOutcome.Completed, Assert.Single(complete.Reports).Outcome);
        Assert.True(task.Owed.Settle);
        Assert.Equal([HoldKind.Bond], task.Owed.Watch);
    }

    [Fact]
    public void RefusedBondLock_RelayedAfterSettlement_IsRefunded()
    {
        var task = new TaskScenario().Verifying(Alice);
        task.Do(new DisputeResult(Client, "wrong"));
        task.Do(new HoldChanged(HoldKind.Bond, HoldState.LockRejected, "balance too low"));
        task.Do(new HoldChanged(HoldKind.Payment, HoldState.Released, null));

        var late = task.Do(new HoldChanged(HoldKind.Bond, HoldState.Locked, "relayed"));

        Assert.Equal((TaskState.Settled, HoldState.Locked), (late.State, late.Bond));
        Assert.Equal([new HoldClose(HoldKind.Bond, HoldState.Refunded)], TaskSettlement.Plan(late, task.World.Policy, 0).Closes);
        task.Do(new HoldChanged(HoldKind.Bond, HoldState.Refunded, null));
        task.Do(new ReportAcknowledged(task.Record.Reports[0].ReportId));
        Assert.True(task.Record.IsClosed);
    }

    [Fact]
    public void AppointVerifiers_NoneOrOnlyTheParties_IsUndecided()
    {
        foreach (var appointed in new[] { Array.Empty<Did>(), [Client, Alice, Alice] })
        {
            var task = new TaskScenario().Verifying(Alice);
            task.Do(new DisputeResult(Client, "wrong"));
            task.Do(new HoldChanged(HoldKind.Bond, HoldState.Locked, null));

            var complete = task.Do(new AppointVerifiers([.. appointed]));

            Assert.Equal(TaskState.Complete, complete.State);
            Assert.Equal(DisputeResolution.Undecided, complete.Dispute!.Resolution);
            Assert.Empty(complete.Dispute.Verifiers);
        }
    }

    // The payment's close may be learnt before the bond's: the task is then Settled but must still owe the bond's close.
    [Fact]
    public void Settled_WithTheBondStillLocked_StillOwesItsClose()
    {
        var task = new TaskScenario().Disputed(Alice, Bob);
        task.Do(new GiveVerdict(Bob, Upholds: true));

        task.Do(new HoldChanged(HoldKind.Payment, HoldState.Released, null));

        Assert.Equal(TaskState.Settled, task.Record.State);
        Assert.True(task.Owed.Settle);
        task.Do(new HoldChanged(HoldKind.Bond, HoldState.Released, null));
        task.Do(new ReportAcknowledged(task.Record.Reports[0].ReportId));
        Assert.False(task.Owed.Settle);
        Assert.True(task.Record.IsClosed);
    }

    [Fact]
    public void Holds_CloseOnlyTheWayTheOutcomeSays()
    {
        var task = new TaskScenario().Verifying(Alice);
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new HoldChanged(HoldKind.Payment, HoldState.Released, null)));
        task.Do(new AcceptResult(Client));

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new HoldChanged(HoldKind.Payment, HoldState.Refunded, null)));
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new HoldChanged(HoldKind.Bond, HoldState.Released, null)));
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new HoldChanged(HoldKind.Payment, HoldState.Locking, null)));
    }
}
