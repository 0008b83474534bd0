using System.Collections.Immutable;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// What one <see cref="TaskMachine.Step"/> produced. The host (TaskGrain) handles it in this order:
/// <list type="number">
/// <item>A refused or unchanged <see cref="Decision"/> changes nothing and tells nobody.</item>
/// <item>A change is written durably before anyone outside hears of it. System commands answering <see cref="Asks"/> may be chained in memory and share one write.</item>
/// <item>After the write, <see cref="Tells"/> go out, in order.</item>
/// <item><see cref="Asks"/> (derived from the record alone, so a restart finds them again) are asked; each answer is
/// a command stepped the same way.</item>
/// </list>
/// </summary>
public sealed record TaskStep(TaskDecision Decision, bool Changed, ImmutableArray<TaskTell> Tells, ImmutableArray<TaskAsk> Asks)
{
    /// <summary>The record afterwards (null: the task does not exist).</summary>
    public TaskRecord? Next => Decision.Next;
}
