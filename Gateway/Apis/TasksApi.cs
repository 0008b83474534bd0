using System.Text.Json.Nodes;
using System.Globalization;
using Ainur.Gateway.Authentication;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Gateway.Ledger;
using Ainur.Gateway.Tasks;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Ainur.Silo.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Ainur.Gateway.Apis;

/// <summary>
/// <c>/v1/tasks</c> for clients: submit a paid task (signed; the client's own escrow lock pays for it), read it, its
/// history and its live events (public), and cancel, accept or dispute it (signed by the task's client only).
/// </summary>
public static class TasksApi
{
    /// <summary>Longest dispute reason, in characters.</summary>
    public const int MaxReasonLength = 1024;

    /// <summary>Maps the client's task endpoints.</summary>
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder routes)
    {
        var tasks = routes.MapGroup("/v1/tasks").WithTags("Tasks");
        tasks.MapPost("/", SubmitAsync)
            .RequireSignature()
            .Accepts<SubmitTaskRequest>("application/json")
            .WithSummary("Submit a paid task")
            .WithDescription("Signed by the client. The input must satisfy an input schema of an agent offering the capability. The task is paid either by "
                + "'paymentLock', the client's signed EscrowLock of maxPrice under the task's payment escrow id (see the README for the id formulas): the task "
                + "is Pending until its lock is final on the ledger; or from the client's budget: 'budget' (hex id) and 'voucher' (base64 of the client's "
                + "64-byte signature over Voucher(budget, task id, maxPrice)): maxPrice is reserved on the budget at once, or 422 with the budget's code "
                + "(budget-not-found, budget-closing, budget-expired, budget-exceeded, invalid-voucher) and nothing is created. 202 with Location "
                + "/v1/tasks/{id}. The same terms again are the same task. 'accept': \"client\" (default) or "
                + "\"on-result\": accepted in advance, the posted result completes the task without a challenge window; only agents declaring the "
                + "capability deterministic take such a task (422 accept-on-result-not-deterministic when none that the input suits does).");
        tasks.MapGet("/{id}", GetAsync)
            .WithSummary("Read a task")
            .WithDescription("State, agent, attempt, price, holds, result, dispute; 'disputeBond' is what a dispute's bond lock must hold.");
        tasks.MapGet("/{id}/history", GetHistoryAsync)
            .WithSummary("Read a task's transitions")
            .WithDescription("Every transition in order: sequence (from 1), time, from, to, cause, actor (absent: the node), detail.");
        tasks.MapGet("/{id}/events", StreamEventsAsync)
            .WithSummary("Follow a task (server-sent events)")
            .WithDescription("Replays the transitions after Last-Event-ID (it wins) or ?after=N (default 0: all), then sends new ones live: id = sequence, "
                + "event = transition, data = the transition with the task's current state. Ends when the task is terminal and its holds are closed.");
        tasks.MapPost("/{id}/cancel", CancelAsync)
            .RequireSignature()
            .Accepts<EmptyRequest>("application/json")
            .WithSummary("Cancel a task before an agent takes it")
            .WithDescription("Signed by the task's client; body empty or {}. The payment is refunded. 409 once assigned.");
        tasks.MapPost("/{id}/accept", AcceptAsync)
            .RequireSignature()
            .Accepts<EmptyRequest>("application/json")
            .WithSummary("Accept the posted result")
            .WithDescription("Signed by the task's client; body empty or {}. The agent is paid at once instead of at the end of the challenge window.");
        tasks.MapPost("/accept", AcceptManyAsync)
            .RequireSignature()
            .Accepts<AcceptTasksRequest>("application/json")
            .WithSummary("Accept the posted results of several tasks in one request")
            .WithDescription($"Signed by the tasks' client. {{ids: [...]}}, 1 to {BatchLimit.MaxItems} task ids. 200 with {{items: [...]}} in the request's order, "
                + "each {taskId, status, task} or {taskId, status, problem} as POST /v1/tasks/{id}/accept would answer it alone: another client's task "
                + "gets 403 task-forbidden, an unknown one 404, a malformed id 400; the others are accepted.");
        tasks.MapPost("/{id}/dispute", DisputeAsync)
            .RequireSignature()
            .Accepts<DisputeRequest>("application/json")
            .WithSummary("Dispute the posted result")
            .WithDescription("Signed by the task's client within the challenge window. 'bondLock' is the client's signed EscrowLock of the task's 'disputeBond' "
                + "under its bond escrow id. Verifier agents of the capability judge the result.");
        return routes;
    }

    private static async Task<Results<Accepted<TaskView>, ProblemHttpResult>> SubmitAsync(
        HttpContext context, IClusterClient cluster, LedgerIdentity ledger, InputSchemas schemas, SchemaCheckPool checks, AinurOptions ainur, TimeProvider clock,
        IOptions<JsonOptions> json)
    {
        var ct = context.RequestAborted;
        var signed = context.Features.GetRequiredFeature<SignedRequest>();
        if (!JsonBody.TryRead<SubmitTaskRequest>(signed.Body, json.Value.SerializerOptions,
                "a JSON object with 'capability', 'input', 'maxPrice', 'deadline', 'salt' and 'paymentLock' (or 'budget' and 'voucher')", out var request, out var problem)
            || !AcceptMode.TryParse(request.Accept, out var acceptOnResult, out problem)
            || !TaskTermsReader.TryRead(request, signed.Signer, ainur.Tasks, clock.GetUtcNow(), out var terms, out problem))
        {
            return problem;
        }

        var taskId = terms.TaskId();
        var expected = new EscrowLock(signed.Signer, TaskEscrows.Payment(taskId), terms.MaxPrice, terms.Deadline);
        if (!VoucherCheck.TryRead(request, out var voucher, out problem))
        {
            return problem;
        }

        SignedTransaction? paymentLock = null;
        if (voucher is null)
        {
            (paymentLock, var lockProblem) = await EscrowLockCheck.ReadAsync(request.PaymentLock!, "paymentLock", expected, checkExpiry: true, ledger, ct);
            if (lockProblem is not null)
            {
                return lockProblem;
            }
        }

        var offered = await GrainRetry.RunAsync(() => cluster.GetGrain<ICapabilityRosterGrain>(terms.Capability).GetSchemasAsync(), ct);
        if (offered.IsDefaultOrEmpty)
        {
            return TaskProblems.UnknownCapability(terms.Capability);
        }

        var instance = JsonNode.Parse(request.Input.Text);
        if (InputShape.Problem(instance) is { } shape)
        {
            return TaskProblems.InputTooComplex(shape);
        }

        SchemaCheck check;
        if (schemas.IsCheap(instance, offered))
        {
            check = schemas.Check(instance, offered);
        }
        else if (checks.TryRun(() => schemas.Check(instance, offered), ct) is { } pending)
        {
            check = await pending;
        }
        else
        {
            context.Response.Headers.RetryAfter = "1";
            return TaskProblems.SchemaCheckBusy();
        }

        if (check.Satisfied.IsEmpty)
        {
            return check.TimedOut ? TaskProblems.SchemaCheckTimedOut(schemas.Budget, check.Errors)
                : check.TooCostly ? TaskProblems.SchemaCheckTooCostly(schemas.MaxSteps, check.Errors)
                : TaskProblems.SchemaMismatch(check.Errors);
        }

        if (acceptOnResult && !offered.Any(o => o.Deterministic && check.Satisfied.Contains(o.Hash)))
        {
            return TaskProblems.NotDeterministic(terms.Capability);
        }

        // Submitting equal terms again is the same task (idempotent), so a resend after a failover is safe; its money is
        // already locked, so only a new task's client must still hold maxPrice.
        // A budget's task is checked by its budget when it reserves.
        if (voucher is null
            && await GrainRetry.RunAsync(() => cluster.Task(taskId).GetAsync(), ct) is null
            && await EscrowLockCheck.FundedAsync(cluster, expected, "paymentLock", ct) is { } shortfall)
        {
            return shortfall;
        }

        var submit = new SubmitTask(terms, request.Input.Text, check.Satisfied, voucher, acceptOnResult, request.Fuel);
        var reply = await GrainRetry.RunAsync(() => cluster.Task(taskId).SubmitAsync(submit, paymentLock), ct);
        return reply switch
        {
            { Rejection: { } rejection } => TaskProblems.Rejected(rejection),
            { Task: { } task } => TypedResults.Accepted($"/v1/tasks/{taskId}", TaskView.From(task, ainur.Tasks.DisputeBond)),
            _ => throw new InvalidOperationException("The task grain accepted a submission without returning the task."),
        };
    }

    private static async Task<Results<Ok<TaskView>, ProblemHttpResult>> GetAsync(string id, IClusterClient cluster, AinurOptions ainur, CancellationToken cancellationToken)
    {
        if (!TaskCalls.TryParseId(id, out var taskId, out var problem))
        {
            return problem;
        }

        return await cluster.GetAsync(taskId, cancellationToken) is { } task
            ? TypedResults.Ok(TaskView.From(task, ainur.Tasks.DisputeBond))
            : TaskProblems.NotFound($"No task {taskId}.");
    }

    private static async Task<Results<Ok<TransitionView[]>, ProblemHttpResult>> GetHistoryAsync(string id, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (!TaskCalls.TryParseId(id, out var taskId, out var problem))
        {
            return problem;
        }

        return await cluster.GetAsync(taskId, cancellationToken) is { } task
            ? TypedResults.Ok(task.History.Select(t => TransitionView.Of(t)).ToArray())
            : TaskProblems.NotFound($"No task {taskId}.");
    }

    private static async Task<Results<TaskEventStreamResult, ProblemHttpResult>> StreamEventsAsync(
        string id, string? after, HttpContext context, IClusterClient cluster)
    {
        if (!TaskCalls.TryParseId(id, out var taskId, out var problem))
        {
            return problem;
        }

        var lastEventId = context.Request.Headers["Last-Event-ID"];
        int start;
        if (lastEventId.Count > 0)
        {
            if (!TryParseSequence(lastEventId.ToString(), out start))
            {
                return Problems.InvalidHeader("Last-Event-ID", "invalid-last-event-id", "Last-Event-ID is the sequence number of the last transition received: a whole number.");
            }
        }
        else if (after is null)
        {
            start = 0;
        }
        else if (!TryParseSequence(after, out start))
        {
            return Problems.InvalidQueryValue("after", "'after' is the sequence number of the last transition already seen: a whole number (0 for all).");
        }

        return await cluster.GetAsync(taskId, context.RequestAborted) is null
            ? TaskProblems.NotFound($"No task {taskId}.")
            : new TaskEventStreamResult(taskId, start);
    }

    private static Task<Results<Ok<TaskView>, ProblemHttpResult>> CancelAsync(
        string id, HttpContext context, IClusterClient cluster, AinurOptions ainur, IOptions<JsonOptions> json) =>
        ClientCommandAsync(id, context, cluster, ainur, json, client => new CancelTask(client));

    private static Task<Results<Ok<TaskView>, ProblemHttpResult>> AcceptAsync(
        string id, HttpContext context, IClusterClient cluster, AinurOptions ainur, IOptions<JsonOptions> json) =>
        ClientCommandAsync(id, context, cluster, ainur, json, client => new AcceptResult(client));

    // A command that needs nothing but the signer, who must be the task's client (the task refuses anyone else: 403).
    private static async Task<Results<Ok<TaskView>, ProblemHttpResult>> ClientCommandAsync(
        string id, HttpContext context, IClusterClient cluster, AinurOptions ainur, IOptions<JsonOptions> json, Func<Did, TaskCommand> command)
    {
        var signed = context.Features.GetRequiredFeature<SignedRequest>();
        if (!TaskCalls.TryParseId(id, out var taskId, out var problem)
            || !JsonBody.TryReadEmpty(signed.Body, json.Value.SerializerOptions, out problem))
        {
            return problem;
        }

        return TaskCalls.Answer(await cluster.ExecuteAsync(taskId, command(signed.Signer), context.RequestAborted), ainur.Tasks.DisputeBond);
    }

    private static async Task<Results<Ok<BatchView>, ProblemHttpResult>> AcceptManyAsync(
        HttpContext context, IClusterClient cluster, AinurOptions ainur, IOptions<JsonOptions> json)
    {
        var signed = context.Features.GetRequiredFeature<SignedRequest>();
        if (!JsonBody.TryRead<AcceptTasksRequest>(signed.Body, json.Value.SerializerOptions, "a JSON object with 'ids', a list of task ids", out var request, out var problem))
        {
            return problem;
        }

        if (BatchLimit.CheckCount("ids", request.Ids.Length) is { } count)
        {
            return count;
        }

        var answers = await Task.WhenAll(request.Ids.Select(async id => BatchItemView.From(id, Hash32.TryParse(id, out var taskId)
            ? TaskCalls.Answer(await cluster.ExecuteAsync(taskId, new AcceptResult(signed.Signer), context.RequestAborted), ainur.Tasks.DisputeBond)
            : TaskProblems.InvalidItemId())));
        return TypedResults.Ok(new BatchView(answers));
    }

    private static async Task<Results<Ok<TaskView>, ProblemHttpResult>> DisputeAsync(
        string id, HttpContext context, IClusterClient cluster, LedgerIdentity ledger, AinurOptions ainur, IOptions<JsonOptions> json)
    {
        var ct = context.RequestAborted;
        if (!TaskCalls.TryReadSigned<DisputeRequest>(
                id, context, json.Value.SerializerOptions, "a JSON object with 'bondLock' and an optional 'reason'", out var taskId, out var signed, out var request, out var problem))
        {
            return problem;
        }

        if (request.Reason is { Length: > MaxReasonLength })
        {
            return Problems.MalformedBody($"'reason' is at most {MaxReasonLength} characters.");
        }

        // The bond lock expires with the challenge window. Without a result there is no window: the task refuses the
        // dispute whatever the lock says (and checks the expiry itself, should a result come in between).
        var task = await GrainRetry.RunAsync(() => cluster.Task(taskId).GetAsync(), ct);
        var expiry = task?.LockExpiry(HoldKind.Bond);
        var expected = new EscrowLock(signed.Signer, TaskEscrows.DisputeBond(taskId), ainur.Tasks.DisputeBond, expiry ?? 0);
        var (bondLock, lockProblem) = await EscrowLockCheck.ReadAsync(request.BondLock, "bondLock", expected, checkExpiry: expiry is not null, ledger, ct);
        if (lockProblem is not null)
        {
            return lockProblem;
        }

        if (task is { Bond: HoldState.None }
            && await EscrowLockCheck.FundedAsync(cluster, expected, "bondLock", ct) is { } shortfall)
        {
            return shortfall;
        }

        var dispute = new DisputeResult(signed.Signer, request.Reason);
        var reply = await GrainRetry.RunAsync(() => cluster.Task(taskId).DisputeAsync(dispute, bondLock!), ct);
        return TaskCalls.Answer(reply, ainur.Tasks.DisputeBond);
    }

    private static bool TryParseSequence(string text, out int sequence) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
}
