using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Runtime;
using Orleans.Concurrency;

namespace Ainur.Grains.Runtime;

/// <summary>See <see cref="ITaskLogGrain"/>. Reentrant: readers wait while appends come in.</summary>
[Reentrant]
internal sealed class TaskLogGrain(WasmSettings settings, TimeProvider clock) : Grain, ITaskLogGrain
{
    // Three attempts' worth of lines, then the rest of a task's lines are dropped.
    private readonly int _cap = Math.Max(1, settings.LogLines * 3);
    private readonly List<string> _lines = [];
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task AppendAsync(ImmutableArray<string> lines)
    {
        _lines.AddRange(lines.Take(_cap - _lines.Count));
        var appended = _appended;
        _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        appended.TrySetResult();
        return Task.CompletedTask;
    }

    public async Task<ImmutableArray<string>> ReadAsync(int after, TimeSpan timeout)
    {
        after = Math.Max(0, after);
        if (after >= _lines.Count)
        {
            try
            {
                await _appended.Task.WaitAsync(timeout, clock);
            }
            catch (TimeoutException)
            {
                // Nothing new: the reader asks again.
            }
        }

        return after >= _lines.Count ? [] : [.. _lines.Skip(after)];
    }
}
