using System.Collections.Immutable;

namespace Ainur.Grains.Interfaces.Runtime;

/// <summary>
/// A task's log lines from its hosted executions (key: the task id), in the order the module wrote them, attempt after
/// attempt. Kept in memory only: logs are best effort (DESIGN §5), bounded per task.
/// </summary>
[Alias("ainur.ITaskLogGrain")]
public interface ITaskLogGrain : IGrainWithStringKey
{
    /// <summary>Appends <paramref name="lines"/> after those already kept.</summary>
    [Alias("Append")]
    Task AppendAsync(ImmutableArray<string> lines);

    /// <summary>
    /// The lines from index <paramref name="after"/> on (0: from the first), waiting up to <paramref name="timeout"/> for
    /// one when there are none yet.
    /// </summary>
    [Alias("Read")]
    Task<ImmutableArray<string>> ReadAsync(int after, TimeSpan timeout);
}
