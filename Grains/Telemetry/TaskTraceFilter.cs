using Ainur.Grains.Interfaces.Telemetry;
using System.Diagnostics;

namespace Ainur.Grains.Telemetry;

/// <summary>Tags the span of each grain call made on behalf of a task with its id (<see cref="TaskTrace"/>).</summary>
public sealed class TaskTraceFilter : IIncomingGrainCallFilter
{
    /// <inheritdoc/>
    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Activity.Current is { IsAllDataRequested: true } span && TaskTrace.Current is { } taskId)
        {
            span.SetTag(TaskTrace.Tag, taskId);
        }

        return context.Invoke();
    }
}
