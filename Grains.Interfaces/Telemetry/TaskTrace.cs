using System.Diagnostics;
using Orleans.Runtime;

namespace Ainur.Grains.Interfaces.Telemetry;

/// <summary>
/// Ties a trace to the task it serves: the gateway marks its request with the task id, the id travels with every grain
/// call the request causes (Orleans' request context flows from call to call), and each silo tags its grain-call
/// spans with it, so a trace backend finds a task's whole path by one attribute.
/// </summary>
public static class TaskTrace
{
    /// <summary>The span attribute holding the task id (64 lower-case hex digits).</summary>
    public const string Tag = "ainur.task.id";

    // The request-context key: short, since it rides in every message of the call chain.
    private const string ContextKey = "ainur.task";

    /// <summary>
    /// Marks the current span and the grain calls made from here on as serving task <paramref name="taskId"/>; nothing
    /// when no span is recorded (tracing off), since the id would ride in every message for no reader.
    /// </summary>
    public static void Enter(string taskId)
    {
        if (Activity.Current is { IsAllDataRequested: true } span)
        {
            span.SetTag(Tag, taskId);
            RequestContext.Set(ContextKey, taskId);
        }
    }

    /// <summary>The task id the incoming grain call carries, if any.</summary>
    public static string? Current => RequestContext.Get(ContextKey) as string;
}
