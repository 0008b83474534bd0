using System.Diagnostics.CodeAnalysis;
using Ainur.Gateway.Authentication;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Gateway.OpenApi;
using Ainur.Gateway.Tasks;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Tasks;
using Ainur.Silo.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Ainur.Gateway.Apis;

/// <summary>
/// The remote agent's side of tasks: take the next task or dispute to judge (a signed long poll on the agent's own
/// feed), post a task's result or failure (the assigned agent only), and give a verdict (an appointed verifier only).
/// </summary>
public static class TaskWorkApi
{
    /// <summary>How long <c>next</c> waits when <c>?wait=</c> is not given.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(25);

    /// <summary>The longest <c>next</c> waits; a longer <c>?wait=</c> is cut to this.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <summary>Longest failure reason an agent may report, in characters.</summary>
    public const int MaxErrorLength = 4096;

    // One wait on the feed: under a cluster client's 5 s grain-call timeout, and short enough that a client that left
    // is noticed soon.
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(2);

    /// <summary>Maps the agent's task endpoints.</summary>
    public static IEndpointRouteBuilder MapTaskWorkApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/agents/{did}/tasks/next", NextAsync)
            .OkOneOf<WorkItemView, WorkItemsView>()
            .WithTags("Tasks")
            .RequireSignature()
            .WithSummary("Take the next task to run or dispute to judge (long poll)")
            .WithDescription("Signed by the agent {did} itself (anyone else: 403). Waits up to ?wait= seconds (default 25, at most 30): 200 with the item, "
                + "204 when none came. An execute item is started for the agent as it is handed out: post its result before the attempt's deadline. "
                + $"With ?max=N (1 to {BatchLimit.MaxItems}, else 400 invalid-max): 200 with {{items: [...]}}, 1 to N items (what is queued, without waiting "
                + "for more once one came), each handed to this poll only.");
        routes.MapPost("/v1/tasks/{id}/result", ResultAsync)
            .WithTags("Tasks")
            .RequireSignature()
            .Accepts<ResultRequest>("application/json")
            .WithSummary("Post a task's result, or report that the attempt failed")
            .WithDescription("Signed by the assigned agent (anyone else: 403). {attempt, output, outputHash}: outputHash is the hex Blake2b-256 of the "
                + "output's exact UTF-8 JSON text (else 422); the client's challenge window opens. {attempt, error}: the attempt failed; the task is requeued.");
        routes.MapPost("/v1/agents/{did}/results", ResultsAsync)
            .WithTags("Tasks")
            .RequireSignature()
            .Accepts<PostResultsRequest>("application/json")
            .WithSummary("Post several results or failures in one request")
            .WithDescription($"Signed by the agent {{did}} itself (anyone else: 403). {{results: [...]}}, 1 to {BatchLimit.MaxItems} items, each "
                + "{taskId, attempt, output, outputHash} or {taskId, attempt, error} as for POST /v1/tasks/{id}/result; the whole body is bounded like any "
                + "signed body (413). A body that is not that shape is refused whole (400, nothing applied); otherwise 200 with {items: [...]} in the "
                + "request's order, each {taskId, status, task} or {taskId, status, problem}: every item applies or is refused on its own.");
        routes.MapPost("/v1/tasks/{id}/verdict", VerdictAsync)
            .WithTags("Tasks")
            .RequireSignature()
            .Accepts<VerdictRequest>("application/json")
            .WithSummary("Give a verdict on a disputed result")
            .WithDescription("Signed by an appointed verifier (anyone else: 403). {upholds: bool} for a judged capability; {outputHash} of the verifier's "
                + "own run for a deterministic one (it upholds the result when the hashes agree).");
        return routes;
    }

    private static async Task<Results<Ok<WorkItemView>, Ok<WorkItemsView>, NoContent, ProblemHttpResult>> NextAsync(
        string did, string? wait, string? max, HttpContext context, IClusterClient cluster, TimeProvider clock)
    {
        var ct = context.RequestAborted;
        if (!TryReadAgent(did, context, "take its own tasks", out var agent, out var problem)
            || !WaitParameter.TryParse(wait, DefaultWait, MaxWait, out var waitFor, out problem))
        {
            return problem;
        }

        if (!BatchLimit.TryParse(max, out var count, out problem))
        {
            return problem;
        }

        var items = await TakeAsync(cluster.GetGrain<IAgentFeedGrain>(agent.Value), agent, count ?? 1, waitFor, cluster, clock, ct);
        if (items.Count == 0)
        {
            return TypedResults.NoContent();
        }

        // Old clients, which do not send ?max=, keep the single item as the whole body.
        return count is null ? TypedResults.Ok(items[0]) : TypedResults.Ok(new WorkItemsView([.. items]));
    }

    /// <summary>The agent of the route, who must be the signer (else 403 <c>not-owner</c>; a malformed DID 400).</summary>
    private static bool TryReadAgent(string did, HttpContext context, string what, out Did agent, [NotNullWhen(false)] out ProblemHttpResult? problem) =>
        RouteDid.TryReadOwn(did, context, emptyBody: null,
            (signer, owner) => Problems.Forbidden("not-owner", $"The request is signed by {signer}; only {owner} may {what}."), out agent, out problem);

    /// <summary>Up to <paramref name="max"/> items that the agent may work on, waiting up to <paramref name="waitFor"/> for the first.</summary>
    private static async Task<List<WorkItemView>> TakeAsync(
        IAgentFeedGrain feed, Did agent, int max, TimeSpan waitFor, IClusterClient cluster, TimeProvider clock, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        do
        {
            var left = waitFor - clock.GetElapsedTime(started);
            var slice = left < Slice ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : Slice;
            var items = await GrainRetry.RunAsync(() => feed.NextAsync(max, slice), ct);

            // A client that left loses the items: their tasks offer them again, or their attempts time out and are requeued.
            if (items.IsEmpty || ct.IsCancellationRequested)
            {
                continue;
            }

            var views = await Task.WhenAll(items.Select(item => StartAsync(item, agent, cluster, ct)));
            var live = views.OfType<WorkItemView>().ToList();
            if (live.Count > 0)
            {
                return live;
            }
        }
        while (clock.GetElapsedTime(started) < waitFor && !ct.IsCancellationRequested);

        return [];
    }

    // An offer can be stale (its attempt ended, the task was cancelled): the task refuses to start it, and it is skipped.
    private static async Task<WorkItemView?> StartAsync(FeedItem item, Did agent, IClusterClient cluster, CancellationToken ct) =>
        item.Kind == FeedKind.Execute && (await cluster.ExecuteAsync(item.TaskId, new StartTask(agent, item.Attempt), ct)).Rejection is not null
            ? null
            : WorkItemView.From(item);

    private static async Task<Results<Ok<TaskView>, ProblemHttpResult>> ResultAsync(
        string id, HttpContext context, IClusterClient cluster, AinurOptions ainur, IOptions<JsonOptions> json)
    {
        if (!TaskCalls.TryReadSigned<ResultRequest>(
                id, context, json.Value.SerializerOptions, "a JSON object with 'attempt' and either 'output' and 'outputHash' or 'error'", out var taskId, out var signed, out var request, out var problem))
        {
            return problem;
        }

        return await ApplyResultAsync(taskId, signed.Signer, request, cluster, ainur, context.RequestAborted);
    }

    private static async Task<Results<Ok<BatchView>, ProblemHttpResult>> ResultsAsync(
        string did, HttpContext context, IClusterClient cluster, AinurOptions ainur, IOptions<JsonOptions> json)
    {
        if (!TryReadAgent(did, context, "post its own results", out var agent, out var problem)
            || !JsonBody.TryRead<PostResultsRequest>(
                context.Features.GetRequiredFeature<SignedRequest>().Body, json.Value.SerializerOptions, "a JSON object with 'results', a list of results", out var request, out problem))
        {
            return problem;
        }

        if (BatchLimit.CheckCount("results", request.Results.Length) is { } count)
        {
            return count;
        }

        // Items go to different tasks: they run side by side, and each is answered as it would be alone.
        var answers = await Task.WhenAll(request.Results.Select(async item => BatchItemView.From(item.TaskId,
            Hash32.TryParse(item.TaskId, out var taskId)
                ? await ApplyResultAsync(taskId, agent, item.ToRequest(), cluster, ainur, context.RequestAborted)
                : TaskProblems.InvalidItemId())));
        return TypedResults.Ok(new BatchView(answers));
    }

    /// <summary>One result or failure of <paramref name="agent"/>'s attempt, as the task answers it.</summary>
    private static async Task<Results<Ok<TaskView>, ProblemHttpResult>> ApplyResultAsync(
        Hash32 taskId, Did agent, ResultRequest request, IClusterClient cluster, AinurOptions ainur, CancellationToken ct)
    {
        switch (request)
        {
            case { Output: { } output, OutputHash: { } hashText, Error: null }:
                if (System.Text.Encoding.UTF8.GetByteCount(output.Text) > ainur.Tasks.MaxOutputBytes)
                {
                    return TaskProblems.TooLarge("output", ainur.Tasks.MaxOutputBytes);
                }

                if (!Hash32.TryParse(hashText, out var hash))
                {
                    return Problems.MalformedBody("'outputHash' is 64 hex digits: the Blake2b-256 of the output's UTF-8 JSON text.");
                }

                var post = new PostResult(agent, request.Attempt, output.Text, hash);
                return TaskCalls.Answer(await cluster.ExecuteAsync(taskId, post, ct), ainur.Tasks.DisputeBond);

            case { Output: null, OutputHash: null, Error: { } reason }:
                if (reason.Length > MaxErrorLength)
                {
                    return Problems.MalformedBody($"'error' is at most {MaxErrorLength} characters.");
                }

                // Not resent on a failover: a second report after the first moved the task on would be refused (403).
                var failure = new ReportFailure(agent, request.Attempt, reason);
                return TaskCalls.Answer(await cluster.Task(taskId).ExecuteAsync(failure), ainur.Tasks.DisputeBond);

            default:
                return Problems.MalformedBody("Send either 'output' (a JSON value, not null) with 'outputHash', or 'error'.");
        }
    }

    private static async Task<Results<Ok<TaskView>, ProblemHttpResult>> VerdictAsync(
        string id, HttpContext context, IClusterClient cluster, AinurOptions ainur, IOptions<JsonOptions> json)
    {
        var ct = context.RequestAborted;
        if (!TaskCalls.TryReadSigned<VerdictRequest>(
                id, context, json.Value.SerializerOptions, "a JSON object with either 'upholds' or 'outputHash'", out var taskId, out var signed, out var request, out var problem))
        {
            return problem;
        }

        switch (request)
        {
            case { Upholds: { } upholds, OutputHash: null }:
                return TaskCalls.Answer(await cluster.ExecuteAsync(taskId, new GiveVerdict(signed.Signer, upholds), ct), ainur.Tasks.DisputeBond);

            case { Upholds: null, OutputHash: { } hashText }:
                if (!Hash32.TryParse(hashText, out var hash))
                {
                    return Problems.MalformedBody("'outputHash' is 64 hex digits: the Blake2b-256 of the verifier's own output.");
                }

                var reply = await GrainRetry.RunAsync(() => cluster.Task(taskId).ReportRerunAsync(signed.Signer, hash), ct);
                return TaskCalls.Answer(reply, ainur.Tasks.DisputeBond);

            default:
                return Problems.MalformedBody("Send either 'upholds' (true or false) or 'outputHash'.");
        }
    }
}
