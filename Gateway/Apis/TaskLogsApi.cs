using System.Globalization;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Gateway.Runtime;
using Ainur.Gateway.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Apis;

/// <summary><c>GET /v1/tasks/{id}/logs</c>: a hosted task's log lines, in order and live (server-sent events; public).</summary>
public static class TaskLogsApi
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapTaskLogsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/tasks/{id}/logs", StreamAsync)
            .WithTags("Tasks")
            .WithSummary("Follow a task's log (server-sent events)")
            .WithDescription("The lines its hosted executions wrote (ari.log), in order: id = line number from 1, event = log, data = the line as a JSON string. "
                + "Starts after Last-Event-ID (it wins) or ?after=N (default 0); live until the task is terminal. Logs are best effort (kept in memory).");
        return routes;
    }

    private static async Task<Results<TaskLogStreamResult, ProblemHttpResult>> StreamAsync(string id, string? after, HttpContext context, IClusterClient cluster)
    {
        if (!TaskCalls.TryParseId(id, out var taskId, out var problem))
        {
            return problem;
        }

        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var start = 0;
        if (lastEventId.Length > 0 ? !TryParseLine(lastEventId, out start) : after is not null && !TryParseLine(after, out start))
        {
            return Problems.InvalidQueryValue("after", "A line number is a whole number from 0 (in ?after= or Last-Event-ID).");
        }

        var task = await GrainRetry.RunAsync(() => cluster.Task(taskId).GetAsync(), context.RequestAborted);
        return task is null ? Problems.NotFound("task-not-found", $"No task {taskId} exists.") : new TaskLogStreamResult(taskId, start);
    }

    private static bool TryParseLine(string text, out int line) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out line);
}
