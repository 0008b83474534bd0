using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Ainur.Gateway.Authentication;
using Ainur.Gateway.Apis;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Grains.Interfaces.Telemetry;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Tasks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Tasks;

/// <summary>What the task endpoints share: reading a task id from the path, reaching its grain, answering its reply.</summary>
internal static class TaskCalls
{
    /// <summary>The task id of the route, or a 400 <c>invalid-task-id</c> problem.</summary>
    public static bool TryParseId(string text, out Hash32 id, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = Hash32.TryParse(text, out id) ? null : Problems.InvalidRouteValue("task-id", "A task id is 64 hex digits.");
        return problem is null;
    }

    /// <summary>
    /// The task id of the route, the signed request, and its body as <typeparamref name="T"/> (see <see cref="JsonBody.TryRead"/>);
    /// or the 400 problem for whichever cannot be read.
    /// </summary>
    public static bool TryReadSigned<T>(
        string id,
        HttpContext context,
        JsonSerializerOptions options,
        string expected,
        out Hash32 taskId,
        out SignedRequest signed,
        [NotNullWhen(true)] out T? request,
        [NotNullWhen(false)] out ProblemHttpResult? problem)
        where T : class
    {
        signed = context.Features.GetRequiredFeature<SignedRequest>();
        request = null;
        return TryParseId(id, out taskId, out problem) && JsonBody.TryRead(signed.Body, options, expected, out request, out problem);
    }

    /// <summary>
    /// The task's grain; its key is the id in lower-case hex, however the caller spelled it. The request's trace, and
    /// every grain call it makes from here on, is tagged with the task id.
    /// </summary>
    public static ITaskGrain Task(this IClusterClient cluster, Hash32 id)
    {
        var key = id.ToString();
        TaskTrace.Enter(key);
        return cluster.GetGrain<ITaskGrain>(key);
    }

    /// <summary>
    /// Sends a command, retrying while a silo fails over: the task machine answers a repeated command with the task
    /// as it is (a no-op), so a resend after a lost answer changes nothing twice.
    /// </summary>
    public static Task<TaskReply> ExecuteAsync(this IClusterClient cluster, Hash32 id, TaskCommand command, CancellationToken cancellationToken) =>
        GrainRetry.RunAsync(() => cluster.Task(id).ExecuteAsync(command), cancellationToken);

    /// <summary>The task record, or null when there is no such task.</summary>
    public static Task<TaskRecord?> GetAsync(this IClusterClient cluster, Hash32 id, CancellationToken cancellationToken) =>
        GrainRetry.RunAsync(() => cluster.Task(id).GetAsync(), cancellationToken);

    /// <summary>200 with the task after the command, or the problem for the task's refusal.</summary>
    public static Results<Ok<TaskView>, ProblemHttpResult> Answer(TaskReply reply, long disputeBond) =>
        reply switch
        {
            { Rejection: { } rejection } => TaskProblems.Rejected(rejection),
            { Task: { } task } => TypedResults.Ok(TaskView.From(task, disputeBond)),
            _ => TaskProblems.NotFound("No such task."),
        };
}
