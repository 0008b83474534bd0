using System.Collections.Frozen;

namespace Ainur.Protocol.Tasks;

/// <summary>Who causes a transition.</summary>
public enum TaskActor
{
    /// <summary>The node itself: deadlines, the ledger's answers, assignment.</summary>
    System = 0,

    /// <summary>The task's client.</summary>
    Client = 1,

    /// <summary>The agent assigned to the current attempt.</summary>
    Agent = 2,

    /// <summary>A verifier appointed for the task's dispute.</summary>
    Verifier = 3,
}

/// <summary>
/// The legal transitions and who may cause each: the specification <see cref="TaskMachine"/> is tested against.
/// A transition from a state to itself records a change of a hold or of the dispute without a change of state.
/// </summary>
public static class TaskTransitions
{
    private static readonly FrozenSet<(TaskState? From, TaskState To, TaskActor By)> Table = new (TaskState?, TaskState, TaskActor)[]
    {
        (null, TaskState.Pending, TaskActor.Client),
        (TaskState.Pending, TaskState.Pending, TaskActor.System),
        (TaskState.Pending, TaskState.Assigned, TaskActor.System),
        (TaskState.Pending, TaskState.Cancelled, TaskActor.Client),
        (TaskState.Pending, TaskState.Failed, TaskActor.System),
        (TaskState.Assigned, TaskState.Executing, TaskActor.Agent),
        // A hosted attempt: the node starts it, and its verified result or failure is the node's too.
        (TaskState.Assigned, TaskState.Executing, TaskActor.System),
        (TaskState.Executing, TaskState.Verifying, TaskActor.System),
        (TaskState.Assigned, TaskState.Pending, TaskActor.Agent),
        (TaskState.Assigned, TaskState.Pending, TaskActor.System),
        (TaskState.Assigned, TaskState.Failed, TaskActor.Agent),
        (TaskState.Assigned, TaskState.Failed, TaskActor.System),
        (TaskState.Executing, TaskState.Verifying, TaskActor.Agent),
        (TaskState.Executing, TaskState.Pending, TaskActor.Agent),
        (TaskState.Executing, TaskState.Pending, TaskActor.System),
        (TaskState.Executing, TaskState.Failed, TaskActor.Agent),
        (TaskState.Executing, TaskState.Failed, TaskActor.System),
        (TaskState.Verifying, TaskState.Complete, TaskActor.Client),
        // The client accepted on result when it submitted: the agent's post completes the task.
        (TaskState.Verifying, TaskState.Complete, TaskActor.Agent),
        (TaskState.Verifying, TaskState.Complete, TaskActor.System),
        (TaskState.Verifying, TaskState.Disputed, TaskActor.Client),
        (TaskState.Disputed, TaskState.Disputed, TaskActor.System),
        (TaskState.Disputed, TaskState.Disputed, TaskActor.Verifier),
        (TaskState.Disputed, TaskState.Complete, TaskActor.System),
        (TaskState.Disputed, TaskState.Complete, TaskActor.Verifier),
        (TaskState.Disputed, TaskState.Failed, TaskActor.Verifier),
        (TaskState.Complete, TaskState.Complete, TaskActor.System),
        (TaskState.Complete, TaskState.Settled, TaskActor.System),
        (TaskState.Settled, TaskState.Settled, TaskActor.System),
        (TaskState.Cancelled, TaskState.Cancelled, TaskActor.System),
        (TaskState.Failed, TaskState.Failed, TaskActor.System),
    }.ToFrozenSet();

    /// <summary>Whether <paramref name="by"/> may move a task from <paramref name="from"/> (null: not yet submitted) to <paramref name="to"/>.</summary>
    public static bool IsLegal(TaskState? from, TaskState to, TaskActor by) => Table.Contains((from, to, by));

    /// <summary>Every legal transition.</summary>
    public static IEnumerable<(TaskState? From, TaskState To, TaskActor By)> All => Table;
}
