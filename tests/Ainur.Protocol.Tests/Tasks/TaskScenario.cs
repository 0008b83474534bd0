using Ainur.Protocol.Identity;
using Ainur.Protocol.Tasks;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary>
/// One task driven by hand for example tests, through a <see cref="TaskMonitor"/> (so every step is also checked
/// against the machine's invariants). The clock only moves when a step says so. The shortcuts bring the task to a
/// state the usual way and assert each command was accepted.
/// </summary>
internal sealed class TaskScenario
{
    public static readonly Did Client = TaskWorld.Person(0);
    public static readonly Did Alice = TaskWorld.Person(1);
    public static readonly Did Bob = TaskWorld.Person(2);
    public static readonly Did Carol = TaskWorld.Person(3);
    public static readonly Did Dave = TaskWorld.Person(4);
    public static readonly Did Stranger = TaskWorld.Person(9);

    public static readonly TaskPolicy DefaultPolicy = new()
    {
        MaxAttempts = 3,
        ExecutionTimeout = TimeSpan.FromSeconds(60),
        ChallengeWindow = TimeSpan.FromSeconds(30),
        VerdictTimeout = TimeSpan.FromSeconds(60),
    };

    public TaskScenario(TaskPolicy? policy = null, TimeSpan? deadline = null, bool acceptOnResult = false)
    {
        var input = TaskWorld.InputOf(1);
        var start = TaskWorld.T0;
        World = new TaskWorld(
            policy ?? DefaultPolicy, Client, [Alice, Bob, Carol, Dave], Stranger,
            TaskWorld.TermsOf(Client, input, 100, start + (deadline ?? TimeSpan.FromHours(1)), "salt"), input, start)
        {
            AcceptOnResult = acceptOnResult,
        };
        Monitor = new TaskMonitor(World);
        Do(World.Submit());
    }

    public TaskWorld World { get; }

    public TaskMonitor Monitor { get; }

    public TaskRecord Record => Monitor.Record!;

    public DateTimeOffset Now => Monitor.Now;

    public TaskObligations Owed => TaskObligations.Of(Record);

    /// <summary>Sends <paramref name="command"/> <paramref name="after"/> the last one.</summary>
    public TaskDecision Send(TaskCommand command, TimeSpan after = default) => Monitor.Apply(command, Now + after);

    /// <summary>Sends <paramref name="command"/> and asserts it was accepted; returns the record after it.</summary>
    public TaskRecord Do(TaskCommand command, TimeSpan after = default)
    {
        var decision = Send(command, after);
        Assert.Null(decision.Rejection);
        return decision.Next!;
    }

    /// <summary>Sends <paramref name="command"/> and asserts it was refused and left the very same record.</summary>
    public TaskRejectionKind Refused(TaskCommand command, TimeSpan after = default)
    {
        var before = Record;
        var decision = Send(command, after);
        Assert.NotNull(decision.Rejection);
        Assert.Same(before, decision.Next);
        return decision.Rejection.Kind;
    }

    /// <summary>Sends <paramref name="command"/> and asserts it was accepted and changed nothing (the same instance).</summary>
    public void NoOp(TaskCommand command, TimeSpan after = default)
    {
        var before = Record;
        var decision = Send(command, after);
        Assert.Null(decision.Rejection);
        Assert.Same(before, decision.Next);
    }

    public TaskScenario Locked()
    {
        Do(new HoldChanged(HoldKind.Payment, HoldState.Locked, null));
        return this;
    }

    public TaskScenario Assigned(Did agent, long price = 40)
    {
        if (Record.Payment == HoldState.Locking)
        {
            Locked();
        }

        Do(new AssignTask(agent, price));
        return this;
    }

    public TaskScenario Executing(Did agent)
    {
        Assigned(agent);
        Do(new StartTask(agent, Record.Attempt));
        return this;
    }

    public TaskScenario Verifying(Did agent, string output = "{\"summary\":\"done\"}")
    {
        Executing(agent);
        Do(TaskWorld.Result(agent, Record.Attempt, output), TimeSpan.FromSeconds(5));
        return this;
    }

    /// <summary>A dispute whose bond is locked and whose <paramref name="verifiers"/> are appointed.</summary>
    public TaskScenario Disputed(Did agent, params Did[] verifiers)
    {
        Verifying(agent);
        Do(new DisputeResult(Client, "wrong"), TimeSpan.FromSeconds(1));
        Do(new HoldChanged(HoldKind.Bond, HoldState.Locked, null));
        Do(new AppointVerifiers([.. verifiers]));
        return this;
    }
}
