using Ainur.Protocol.Reputation;
using Ainur.Protocol.Tasks;
using static Ainur.Protocol.Tests.Tasks.TaskScenario;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary>Assignment, attempts, requeues, cancellation and the task's own deadline.</summary>
public sealed class TaskAttemptTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void FailedAttempts_AreRequeuedUntilMaxAttempts_ThenTheTaskFails()
    {
        var task = new TaskScenario();

        task.Executing(Alice);
        Assert.Equal(TaskState.Pending, task.Do(new ReportFailure(Alice, 1, "crashed")).State);
        task.Assigned(Bob);
        Assert.Equal(TaskState.Pending, task.Do(new TaskTick(), DefaultPolicy.ExecutionTimeout).State);
        Assert.True(task.Owed.NeedsAgent);
        task.Executing(Carol);
        var failed = task.Do(new ReportFailure(Carol, 3, "crashed"));

        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Equal(3, failed.Attempt);
        Assert.Equal([Alice, Bob, Carol], failed.FailedAgents);
        Assert.Equal([(Alice, TaskOutcome.Failed), (Bob, TaskOutcome.Failed), (Carol, TaskOutcome.Failed)], failed.Reports.Select(r => (r.Agent, r.Outcome)));
        Assert.True(task.Owed.Settle);
        Assert.False(task.Owed.NeedsAgent);
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new AssignTask(Dave, 10)));
    }

    [Fact]
    public void Assign_AgentWhoseAttemptFailed_IsRefused()
    {
        var task = new TaskScenario().Executing(Alice);
        task.Do(new ReportFailure(Alice, 1, "crashed"));

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new AssignTask(Alice, 10)));
        Assert.Equal(Bob, task.Do(new AssignTask(Bob, 10)).Agent);
    }

    [Fact]
    public void Assign_TheClientOrAboveMaxPrice_IsRefused()
    {
        var task = new TaskScenario().Locked();

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new AssignTask(Client, 10)));
        Assert.Equal(TaskRejectionKind.Invalid, task.Refused(new AssignTask(Alice, 101)));
        Assert.Equal(100, task.Do(new AssignTask(Alice, 100)).Price);
    }

    [Fact]
    public void Assign_BeforeThePaymentIsLocked_IsRefused()
    {
        var task = new TaskScenario();

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new AssignTask(Alice, 10)));
        Assert.False(task.Owed.NeedsAgent);
    }

    // A late reminder must not let an assignment through: its attempt would time out at once and count against the agent.
    [Fact]
    public void Assign_AfterTheTaskDeadlineBeforeItsTick_IsRefused()
    {
        var task = new TaskScenario(deadline: TimeSpan.FromSeconds(30)).Locked();

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new AssignTask(Alice, 10), TimeSpan.FromSeconds(30)));
        Assert.Equal(TaskState.Failed, task.Do(new TaskTick()).State);
        Assert.Empty(task.Record.Reports);
    }

    [Fact]
    public void Assign_NearTheTaskDeadline_EndsTheAttemptAtTheTaskDeadline()
    {
        var task = new TaskScenario(deadline: TimeSpan.FromSeconds(20)).Assigned(Alice);

        Assert.Equal(task.World.Terms.DeadlineAt, task.Record.AttemptDeadline);
    }

    [Fact]
    public void Tick_PastTheDeadlineWhilePending_FailsTheTask()
    {
        var task = new TaskScenario(deadline: TimeSpan.FromMinutes(5)).Locked();

        task.NoOp(new TaskTick(), TimeSpan.FromMinutes(5) - Second);
        var failed = task.Do(new TaskTick(), Second);

        Assert.Equal(TaskState.Failed, failed.State);
        Assert.True(task.Owed.Settle);
        Assert.Empty(failed.Reports);
    }

    [Fact]
    public void TimedOutAttempt_PastTheTaskDeadline_FailsTheTaskInsteadOfRequeueing()
    {
        var task = new TaskScenario(deadline: TimeSpan.FromSeconds(20)).Executing(Alice);

        var failed = task.Do(new TaskTick(), TimeSpan.FromSeconds(20));

        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Equal(TaskOutcome.Failed, Assert.Single(failed.Reports).Outcome);
    }

    [Fact]
    public void PaymentLockRejected_WhilePending_FailsTheTaskWithNothingToRefund()
    {
        var task = new TaskScenario();

        var failed = task.Do(new HoldChanged(HoldKind.Payment, HoldState.LockRejected, "balance too low"));

        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Contains("balance too low", failed.Reason, StringComparison.Ordinal);
        Assert.False(task.Owed.Settle);
        Assert.Equal([HoldKind.Payment], task.Owed.Watch);
        Assert.False(failed.IsClosed);
        Assert.True(task.Do(new HoldChanged(HoldKind.Payment, HoldState.Expired, "past its expiry")).IsClosed);
    }

    [Fact]
    public void RefusedPaymentLock_RelayedLater_IsLockedThenRefunded()
    {
        var task = new TaskScenario();
        task.Do(new HoldChanged(HoldKind.Payment, HoldState.LockRejected, "balance too low"));

        var locked = task.Do(new HoldChanged(HoldKind.Payment, HoldState.Locked, "relayed"));

        Assert.Equal((TaskState.Failed, HoldState.Locked), (locked.State, locked.Payment));
        Assert.Empty(task.Owed.Watch);
        Assert.True(task.Owed.Settle);
        Assert.Equal([new HoldClose(HoldKind.Payment, HoldState.Refunded)], TaskSettlement.Plan(locked, task.World.Policy, 0).Closes);
        Assert.True(task.Do(new HoldChanged(HoldKind.Payment, HoldState.Refunded, null)).IsClosed);
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new HoldChanged(HoldKind.Payment, HoldState.Locked, "again")));
    }

    [Fact]
    public void LockExpiry_IsTheDeadlineForThePayment_AndTheWindowsEndForTheBond()
    {
        var task = new TaskScenario().Verifying(Alice);

        Assert.Equal(task.Record.Terms.Deadline, task.Record.LockExpiry(HoldKind.Payment));
        Assert.Equal(task.Record.Result!.WindowEndsAt.ToUnixTimeMilliseconds(), task.Record.LockExpiry(HoldKind.Bond));
        Assert.Null(new TaskScenario().Record.LockExpiry(HoldKind.Bond));
    }

    [Fact]
    public void Cancel_WhilePending_CancelsAndRefunds()
    {
        var task = new TaskScenario().Locked();

        Assert.Equal(TaskState.Cancelled, task.Do(new CancelTask(Client)).State);
        Assert.True(task.Owed.Settle);
        Assert.Equal(TaskState.Cancelled, task.Do(new HoldChanged(HoldKind.Payment, HoldState.Refunded, null)).State);
        Assert.True(task.Record.IsClosed);
    }

    [Fact]
    public void Cancel_ByAnotherClient_IsForbidden()
    {
        var task = new TaskScenario().Locked();

        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new CancelTask(Stranger)));
        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new CancelTask(Alice)));
    }

    [Fact]
    public void Cancel_AfterAssignment_IsConflict()
    {
        var task = new TaskScenario().Assigned(Alice);

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new CancelTask(Client)));
        task.Do(new StartTask(Alice, 1));
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new CancelTask(Client)));
    }

    [Fact]
    public void RepeatedSubmitStartResultAcceptAndCancel_AreNoOps()
    {
        var task = new TaskScenario().Executing(Alice);
        task.NoOp(task.World.Submit());
        task.NoOp(new StartTask(Alice, 1), Second);
        var result = TaskWorld.Result(Alice, 1, "{\"summary\":\"done\"}");
        task.Do(result);
        task.NoOp(result, Second);
        task.Do(new AcceptResult(Client));
        task.NoOp(new AcceptResult(Client), Second);
        task.NoOp(result, Second);

        var cancelled = new TaskScenario();
        cancelled.Do(new CancelTask(Client));
        cancelled.NoOp(new CancelTask(Client), Second);
    }

    [Fact]
    public void PostResult_HashNotOfTheOutput_IsInvalid()
    {
        var task = new TaskScenario().Executing(Alice);

        var forged = TaskWorld.Result(Alice, 1, "{\"summary\":\"a\"}") with { Output = "{\"summary\":\"b\"}" };

        Assert.Equal(TaskRejectionKind.Invalid, task.Refused(forged));
    }

    [Fact]
    public void PostResult_DifferentFromThePostedOne_IsConflict()
    {
        var task = new TaskScenario().Verifying(Alice, "{\"summary\":\"a\"}");

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(TaskWorld.Result(Alice, 1, "{\"summary\":\"b\"}")));
    }

    [Fact]
    public void PostResult_BeforeStartOrForAnOldAttempt_IsConflict()
    {
        var task = new TaskScenario().Assigned(Alice);

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(TaskWorld.Result(Alice, 1, "{}")));
        task.Do(new StartTask(Alice, 1));
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(TaskWorld.Result(Alice, 2, "{}")));
    }

    [Fact]
    public void AgentCommands_ByAnyoneButTheAgentOfTheAttempt_AreForbidden()
    {
        var task = new TaskScenario().Executing(Alice);

        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(TaskWorld.Result(Bob, 1, "{}")));
        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new StartTask(Client, 1)));
        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(new ReportFailure(Stranger, 1, "no")));
        task.Do(new ReportFailure(Alice, 1, "crashed"));
        Assert.Equal(TaskRejectionKind.Forbidden, task.Refused(TaskWorld.Result(Alice, 1, "{}")));
    }

    // A late reminder must not let a late result through: the attempt's deadline decides, not when the tick arrives.
    [Fact]
    public void PostResult_AfterTheAttemptDeadlineBeforeItsTick_IsRefused()
    {
        var task = new TaskScenario().Executing(Alice);

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(TaskWorld.Result(Alice, 1, "{}"), DefaultPolicy.ExecutionTimeout));
        Assert.Equal(TaskState.Pending, task.Do(new TaskTick()).State);
    }

    // The agent of the attempt retrying its post after the client accepted must not be told it is not the agent.
    [Fact]
    public void PostResult_RepeatedAfterTheTaskCompleted_IsANoOpForItsAgent()
    {
        var task = new TaskScenario().Verifying(Alice, "{\"summary\":\"a\"}");
        task.Do(new AcceptResult(Client));

        task.NoOp(TaskWorld.Result(Alice, 1, "{\"summary\":\"a\"}"));
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new ReportFailure(Alice, 1, "late")));
        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(new StartTask(Alice, 1)));
    }

    [Fact]
    public void Commands_ForAMissingTask_AreNotFound()
    {
        var decision = TaskMachine.Decide(null, new CancelTask(Client), TaskWorld.T0, DefaultPolicy);

        Assert.Equal(TaskRejectionKind.NotFound, decision.Rejection?.Kind);
        Assert.Null(decision.Next);
    }
}
