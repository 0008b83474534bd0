using Ainur.Gateway.Authentication;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Gateway.Ledger;
using Ainur.Grains.Interfaces.Budgets;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Ainur.Gateway.Apis;

/// <summary>
/// <c>/v1/budgets</c>: a client opens, tops up and closes its budgets with transactions it signs (relayed to the ledger
/// like <c>POST /v1/ledger/txs</c>), and anyone reads one. Opening through this endpoint also starts the budget's grain,
/// which reserves for the tasks the budget pays and returns its rest at expiry or after a close.
/// </summary>
public static class BudgetsApi
{
    private const string Relay = " Body {\"transaction\": base64 canonical SignedTransaction}, signed by the HTTP signer (else 403 not-owner); another kind is "
        + "400 malformed-transaction. Waits up to ?wait= seconds (default 5, at most 30) for finality; 202 with Location /v1/ledger/txs/{id} while pending "
        + "(send it again: the same transaction is idempotent); 422 with the ledger's rejection code.";

    /// <summary>Maps the budget endpoints.</summary>
    public static IEndpointRouteBuilder MapBudgetsApi(this IEndpointRouteBuilder routes)
    {
        var budgets = routes.MapGroup("/v1/budgets").WithTags("Budgets");
        budgets.MapPost("/", OpenAsync)
            .RequireSignature()
            .Accepts<SubmitTransactionRequest>("application/json")
            .WithSummary("Open a budget")
            .WithDescription("The transaction is the client's BudgetOpen(owner, nonce, amount, expiryHeight); the budget id is Blake2b-256 over domain 0x15, the "
                + "owner and the nonce (see the README). 201 with Location /v1/budgets/{id} and the budget once it is final." + Relay);
        budgets.MapPost("/{id}/top-up", TopUpAsync)
            .RequireSignature()
            .Accepts<SubmitTransactionRequest>("application/json")
            .WithSummary("Add credits to an open budget")
            .WithDescription("The transaction is the owner's BudgetTopUp(owner, budget, amount, nonce) of this budget (its nonce is the account's, as a transfer's). "
                + "200 with the transaction's status and proof when final." + Relay);
        budgets.MapPost("/{id}/close", CloseAsync)
            .RequireSignature()
            .Accepts<SubmitTransactionRequest>("application/json")
            .WithSummary("Close a budget early")
            .WithDescription("The transaction is the owner's BudgetClose(owner, budget). The budget takes no new tasks; the tasks it already pays for settle; "
                + "then its rest returns to the owner. 200 with the transaction's status and proof when final." + Relay);
        budgets.MapGet("/{id}", GetAsync)
            .WithSummary("Read a budget")
            .WithDescription("The budget as finalized on the ledger (owner, remaining, spent, expiry height, status: open, closing or returned) and what this node "
                + "holds on it: reserved tasks and credits, tasks settled and released. 404 budget-not-found when no such budget is final.");
        return routes;
    }

    private static async Task<Results<Created<BudgetView>, Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult>> OpenAsync(
        string? wait, HttpContext context, IClusterClient cluster, LedgerIdentity ledger, TransactionSubmitter submitter, IOptions<JsonOptions> json)
    {
        BudgetOpen? open = null;
        var relayed = await LedgerSubmitApi.SubmitClientTransactionAsync(wait, context, ledger, submitter, json, (transaction, caller) =>
        {
            open = transaction.Body as BudgetOpen;
            return Admit<BudgetOpen>(transaction, caller, null);
        });
        if (relayed.Result is not Ok<TxStatusView> || open is null)
        {
            return Widen(relayed);
        }

        await ActivateAsync(cluster, open.BudgetId, context.RequestAborted);
        return await ViewAsync(cluster, open.BudgetId, context.RequestAborted) is { } view
            ? TypedResults.Created($"/v1/budgets/{open.BudgetId}", view)
            : Widen(relayed);
    }

    private static Task<Results<Created<BudgetView>, Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult>> TopUpAsync(
        string id, string? wait, HttpContext context, IClusterClient cluster, LedgerIdentity ledger, TransactionSubmitter submitter, IOptions<JsonOptions> json) =>
        ChangeAsync<BudgetTopUp>(id, wait, context, cluster, ledger, submitter, json);

    private static Task<Results<Created<BudgetView>, Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult>> CloseAsync(
        string id, string? wait, HttpContext context, IClusterClient cluster, LedgerIdentity ledger, TransactionSubmitter submitter, IOptions<JsonOptions> json) =>
        ChangeAsync<BudgetClose>(id, wait, context, cluster, ledger, submitter, json);

    /// <summary>Relays a top-up or close of the route's budget; once final, the budget's grain reads the ledger again.</summary>
    private static async Task<Results<Created<BudgetView>, Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult>> ChangeAsync<T>(
        string id, string? wait, HttpContext context, IClusterClient cluster, LedgerIdentity ledger, TransactionSubmitter submitter, IOptions<JsonOptions> json)
        where T : TxBody
    {
        if (!Hash32.TryParse(id, out var budgetId))
        {
            return Problems.InvalidRouteValue("budget-id", "A budget id is 64 hex digits.");
        }

        var relayed = await LedgerSubmitApi.SubmitClientTransactionAsync(wait, context, ledger, submitter, json, (transaction, caller) => Admit<T>(transaction, caller, budgetId));
        if (relayed.Result is Ok<TxStatusView>)
        {
            await ActivateAsync(cluster, budgetId, context.RequestAborted);
        }

        return Widen(relayed);
    }

    private static async Task<Results<Ok<BudgetView>, ProblemHttpResult>> GetAsync(string id, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (!Hash32.TryParse(id, out var budgetId))
        {
            return Problems.InvalidRouteValue("budget-id", "A budget id is 64 hex digits.");
        }

        return await ViewAsync(cluster, budgetId, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound(BudgetRefusals.NotFound, $"No budget {budgetId} is final on the ledger.");
    }

    private static Task<bool> ActivateAsync(IClusterClient cluster, Hash32 budgetId, CancellationToken cancellationToken) =>
        GrainRetry.RunAsync(async () =>
        {
            await cluster.GetGrain<IBudgetGrain>(budgetId.ToString()).ActivateAsync();
            return true;
        }, cancellationToken);

    private static async Task<BudgetView?> ViewAsync(IClusterClient cluster, Hash32 budgetId, CancellationToken cancellationToken)
    {
        var snapshot = await GrainRetry.RunAsync(() => cluster.GetGrain<ILedgerQueryGrain>(0).GetBudgetAsync(budgetId), cancellationToken);
        if (snapshot.Budget is not { } budget)
        {
            return null;
        }

        var usage = await GrainRetry.RunAsync(() => cluster.GetGrain<IBudgetGrain>(budgetId.ToString()).GetAsync(), cancellationToken);
        return new BudgetView(budgetId.ToString(), budget.Owner.Value, budget.Remaining, budget.Spent, budget.ExpiryHeight, budget.Status.ToString().ToLowerInvariant(),
            snapshot.Height, usage.ReservedTasks, usage.ReservedAmount, usage.SettledTasks, usage.ReleasedTasks);
    }

    /// <summary>Admits only a <typeparamref name="T"/> signed by the HTTP signer (of <paramref name="budgetId"/> when given).</summary>
    private static ProblemHttpResult? Admit<T>(SignedTransaction transaction, Did caller, Hash32? budgetId)
        where T : TxBody
    {
        if (transaction.Body is not T body)
        {
            return LedgerProblems.MalformedTransaction($"This endpoint takes a {typeof(T).Name} transaction, not a {transaction.Body.Kind}.");
        }

        if (body.Signer != caller)
        {
            return Problems.Forbidden("not-owner", $"The request is signed by {caller} and cannot submit {body.Signer}'s {typeof(T).Name}.");
        }

        var target = body switch
        {
            BudgetTopUp topUp => topUp.BudgetId,
            BudgetClose close => close.BudgetId,
            _ => budgetId,
        };
        return target != budgetId
            ? LedgerProblems.MalformedTransaction($"The transaction is for budget {target}, not {budgetId}.")
            : null;
    }

    private static Results<Created<BudgetView>, Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult> Widen(Results<Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult> relayed) =>
        relayed.Result switch
        {
            Ok<TxStatusView> ok => ok,
            Accepted<TxStatusView> accepted => accepted,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected relay result."),
        };
}

/// <summary>
/// A budget as <c>GET /v1/budgets/{id}</c> shows it: the ledger's entry at <paramref name="Height"/> (status open, closing
/// or returned) and what this node holds on it.
/// </summary>
public sealed record BudgetView(
    string Id, string Owner, long Remaining, long Spent, long ExpiryHeight, string Status, long Height,
    int ReservedTasks, long ReservedAmount, long SettledTasks, long ReleasedTasks);
