using Ainur.Protocol.Tasks;
using static Ainur.Protocol.Tests.Tasks.TaskScenario;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary><see cref="TaskMachine.NextDeadline"/> in each state: what a hosting grain sets its reminder to.</summary>
public sealed class TaskDeadlineTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void NextDeadline_InEachState_IsTheDeadlineThatStateWaitsFor()
    {
        var task = new TaskScenario();
        var taskDeadline = task.World.Terms.DeadlineAt;
        Assert.Equal(taskDeadline, TaskMachine.NextDeadline(task.Record));

        task.Assigned(Alice);
        var attemptDeadline = task.Now + DefaultPolicy.ExecutionTimeout;
        Assert.Equal(attemptDeadline, TaskMachine.NextDeadline(task.Record));
        task.Do(new StartTask(Alice, 1), Second);
        Assert.Equal(attemptDeadline, TaskMachine.NextDeadline(task.Record));

        task.Do(TaskWorld.Result(Alice, 1, "{}"), Second);
        Assert.Equal(task.Now + DefaultPolicy.ChallengeWindow, TaskMachine.NextDeadline(task.Record));

        task.Do(new DisputeResult(Client, "wrong"), Second);
        Assert.Null(TaskMachine.NextDeadline(task.Record));
        task.Do(new HoldChanged(HoldKind.Bond, HoldState.Locked, null), Second);
        Assert.Equal(task.Now + DefaultPolicy.VerdictTimeout, TaskMachine.NextDeadline(task.Record));
        task.Do(new AppointVerifiers([Bob, Carol]), Second);
        Assert.Equal(task.Now - Second + DefaultPolicy.VerdictTimeout, TaskMachine.NextDeadline(task.Record));

        task.Do(new TaskTick(), DefaultPolicy.VerdictTimeout);
        Assert.Equal(TaskState.Complete, task.Record.State);
        Assert.Null(TaskMachine.NextDeadline(task.Record));
        task.Do(new HoldChanged(HoldKind.Payment, HoldState.Released, null));
        Assert.Null(TaskMachine.NextDeadline(task.Record));
    }

    [Fact]
    public void NextDeadline_AfterARequeue_IsTheTaskDeadlineAgain()
    {
        var task = new TaskScenario().Executing(Alice);

        task.Do(new ReportFailure(Alice, 1, "crashed"), Second);

        Assert.Equal(task.World.Terms.DeadlineAt, TaskMachine.NextDeadline(task.Record));
        Assert.Null(task.Record.AttemptDeadline);
    }

    [Fact]
    public void NextDeadline_OfCancelledAndFailedTasks_IsNone()
    {
        var cancelled = new TaskScenario();
        cancelled.Do(new CancelTask(Client));
        var failed = new TaskScenario();
        failed.Do(new HoldChanged(HoldKind.Payment, HoldState.LockRejected, null));

        Assert.Null(TaskMachine.NextDeadline(cancelled.Record));
        Assert.Null(TaskMachine.NextDeadline(failed.Record));
    }
}
