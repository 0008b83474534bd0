namespace Ainur.Protocol.Tasks;

/// <summary>The host's entry point: a decision with the effects that follow from it (see <see cref="TaskStep"/>).</summary>
public static partial class TaskMachine
{
    /// <summary>
    /// Decides <paramref name="command"/> as <see cref="Decide"/> does and names what the host must do after it.
    /// A result from the agent holding an attempt it never started (its start request was lost) implies the start:
    /// both are recorded then.
    /// </summary>
    public static TaskStep Step(TaskRecord? current, TaskCommand command, DateTimeOffset now, TaskPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(command);
        var from = current;
        if (command is PostResult post && current is { State: TaskState.Assigned } && current.Attempt == post.Attempt
            && Decide(current, new StartTask(post.Agent, post.Attempt), now, policy) is { IsRejected: false, Next: { } started })
        {
            current = started;
        }

        var decision = Decide(current, command, now, policy);
        if (decision.IsRejected)
        {
            return new TaskStep(decision with { Next = from }, false, [], []);
        }

        var next = decision.Next!;
        var changed = !ReferenceEquals(next, from);
        return new TaskStep(
            decision,
            changed,
            changed ? TaskEffects.Tells(from, next) : [],
            TaskEffects.Asks(next));
    }
}
