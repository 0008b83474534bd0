using Ainur.Gateway.Authentication;
using Ainur.Gateway.Errors;
using Ainur.Gateway.Ledger;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Ainur.Gateway.Apis;

/// <summary>
/// Signed writes to the ledger: <c>POST /v1/transfers</c>, <c>POST /v1/ledger/txs</c>, <c>POST /v1/stake</c>,
/// <c>POST /v1/unstake</c> and, on a standalone node, <c>POST /v1/faucet</c>. Each waits up to <c>?wait=</c> seconds for finality (see <see cref="TransactionSubmitter"/>).
/// The gateway checks the transaction's own signature first, so a bad one is a 400 rather than a later rejection.
/// </summary>
public static class LedgerSubmitApi
{
    private const string Outcomes =
        " Waits up to ?wait= seconds (default 5, at most 30) for finality: 200 with the status and payment proof; 202 with Location /v1/ledger/txs/{id} while pending; "
        + "422 with the ledger's rejection code (e.g. insufficient-balance, nonce-not-increasing); 503 when the pool is full or the ledger unavailable. "
        + "Submitting the same transaction again is idempotent (same id).";

    /// <summary>Maps the ledger's write endpoints.</summary>
    public static IEndpointRouteBuilder MapLedgerSubmitApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/transfers", TransferAsync)
            .WithTags("Ledger")
            .RequireSignature()
            .Accepts<TransferRequest>("application/json")
            .WithSummary("Transfer credits from the signer's account")
            .WithDescription("The HTTP signature's DID is the sender; 'signature' is the sender's Ed25519 signature over the ledger's signing bytes of Transfer(sender, to, amount, nonce)." + Outcomes);
        routes.MapPost("/v1/ledger/txs", SubmitAsync)
            .WithTags("Ledger")
            .RequireSignature()
            .Accepts<SubmitTransactionRequest>("application/json")
            .WithSummary("Submit a signed client transaction (transfer, stake, unstake)")
            .WithDescription("Body {\"transaction\": base64 canonical SignedTransaction}. Anyone may relay it; its own signature is what counts. "
                + "An EscrowLock is 422 escrow-lock-needs-task: it is accepted only with its task (POST /v1/tasks, POST /v1/tasks/{id}/dispute). "
                + "A BudgetOpen is 422 budget-open-needs-budgets-api: budgets are opened with POST /v1/budgets." + Outcomes);
        MapOwnTransaction(routes, "/v1/stake", TxKind.Stake, "Stake credits of the signer's balance", "");
        MapOwnTransaction(routes, "/v1/unstake", TxKind.Unstake, "Start unbonding the signer's stake",
            " The credits return to the balance after the ledger's unbonding period (Ainur:Ledger:UnbondingBlocks blocks).");
        routes.MapPost("/v1/faucet", FaucetAsync)
            .WithTags("Ledger")
            .RequireSignature()
            .Accepts<EmptyRequest>("application/json")
            .WithSummary("Get test credits (standalone nodes only)")
            .WithDescription("Grants the signer the faucet's fixed amount from its genesis allocation; 404 faucet-disabled in cluster mode." + Outcomes);
        return routes;
    }

    private static async Task<Results<Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult>> TransferAsync(
        string? wait, HttpContext context, LedgerIdentity ledger, TransactionSubmitter submitter, IOptions<JsonOptions> json)
    {
        var signed = context.Features.GetRequiredFeature<SignedRequest>();
        if (!FinalityWait.TryParse(wait, out var waitFor, out var problem)
            || !JsonBody.TryRead<TransferRequest>(signed.Body, json.Value.SerializerOptions, "a JSON object with 'to', 'amount', 'nonce' and 'signature'", out var request, out problem))
        {
            return problem;
        }

        if (!Did.TryParse(request.To, out var to, out var error))
        {
            return Problems.MalformedBody($"'to' is not a valid did:key: {error}");
        }

        var signature = new byte[SignedTransaction.SignatureLength];
        if (!Convert.TryFromBase64String(request.Signature, signature, out var length) || length != signature.Length)
        {
            return Problems.MalformedBody("'signature' must be a base64 Ed25519 signature (64 bytes).");
        }

        var transaction = SignedTransaction.FromParts(new Transfer(signed.Signer, to, request.Amount, request.Nonce), signature);
        if (!transaction.VerifySignature(await ledger.GetChainIdAsync(context.RequestAborted)))
        {
            return LedgerProblems.InvalidTransactionSignature(
                $"'signature' is not {signed.Signer}'s signature of this transfer on this chain (see GET /v1/ledger/validators for the chain id).");
        }

        return await submitter.SubmitAsync(transaction, waitFor, context);
    }

    private static Task<Results<Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult>> SubmitAsync(
        string? wait, HttpContext context, LedgerIdentity ledger, TransactionSubmitter submitter, IOptions<JsonOptions> json) =>
        SubmitClientTransactionAsync(wait, context, ledger, submitter, json, static (transaction, _) => transaction.Body switch
        {
            ProtocolBatch => LedgerProblems.MalformedTransaction("Protocol batches are submitted by the orchestrator inside the cluster, not over HTTP."),
            // A lock no task knows would hold the payer's credits with nothing to release or refund them.
            EscrowLock => LedgerProblems.EscrowLockNeedsTask(),
            // A budget opened here would have no budget grain to return it at expiry.
            BudgetOpen => LedgerProblems.BudgetOpenNeedsBudgetsApi(),
            _ => null,
        });

    // An endpoint that acts for the caller: it admits only a transaction of this kind whose signer is the HTTP signer.
    private static void MapOwnTransaction(IEndpointRouteBuilder routes, string path, TxKind kind, string summary, string description)
    {
        Func<SignedTransaction, Did, ProblemHttpResult?> admit = (transaction, caller) =>
            transaction.Body.Kind != kind
                ? LedgerProblems.MalformedTransaction($"This endpoint takes a {kind} transaction, not a {transaction.Body.Kind}.")
                : transaction.Body.Signer != caller
                    ? Problems.Forbidden("not-owner", $"The request is signed by {caller} and cannot submit {transaction.Body.Signer}'s {kind}.")
                    : null;
        routes.MapPost(path, (string? wait, HttpContext context, LedgerIdentity ledger, TransactionSubmitter submitter, IOptions<JsonOptions> json) =>
                SubmitClientTransactionAsync(wait, context, ledger, submitter, json, admit))
            .WithTags("Ledger")
            .RequireSignature()
            .Accepts<SubmitTransactionRequest>("application/json")
            .WithSummary(summary)
            .WithDescription($"Body {{\"transaction\": base64 canonical SignedTransaction of a {kind}}}, whose account must be the HTTP signer (else 403 not-owner); "
                + "another kind is 400 malformed-transaction." + description + Outcomes);
    }

    /// <summary>
    /// The body <c>{"transaction": base64}</c>, decoded, admitted by <paramref name="admit"/> (given the transaction and
    /// the HTTP signer; null admits, else the refusal), its own signature checked, then submitted and awaited.
    /// </summary>
    internal static async Task<Results<Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult>> SubmitClientTransactionAsync(
        string? wait, HttpContext context, LedgerIdentity ledger, TransactionSubmitter submitter, IOptions<JsonOptions> json,
        Func<SignedTransaction, Did, ProblemHttpResult?> admit)
    {
        var signed = context.Features.GetRequiredFeature<SignedRequest>();
        if (!FinalityWait.TryParse(wait, out var waitFor, out var problem)
            || !JsonBody.TryRead<SubmitTransactionRequest>(signed.Body, json.Value.SerializerOptions, "a JSON object with 'transaction'", out var request, out problem))
        {
            return problem;
        }

        SignedTransaction transaction;
        try
        {
            transaction = SignedTransaction.Decode(Convert.FromBase64String(request.Transaction));
        }
        catch (FormatException e)
        {
            return LedgerProblems.MalformedTransaction($"'transaction' is not a base64 canonical signed transaction: {e.Message}");
        }

        if (admit(transaction, signed.Signer) is { } refused)
        {
            return refused;
        }

        if (!transaction.VerifySignature(await ledger.GetChainIdAsync(context.RequestAborted)))
        {
            return LedgerProblems.InvalidTransactionSignature($"The signature is not {transaction.Body.Signer}'s over this {transaction.Body.Kind} on this chain.");
        }

        return await submitter.SubmitAsync(transaction, waitFor, context);
    }

    private static async Task<Results<Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult>> FaucetAsync(
        string? wait, HttpContext context, IClusterClient cluster, TransactionSubmitter submitter, IOptions<JsonOptions> json)
    {
        var signed = context.Features.GetRequiredFeature<SignedRequest>();
        if (!FinalityWait.TryParse(wait, out var waitFor, out var problem)
            || !JsonBody.TryReadEmpty(signed.Body, json.Value.SerializerOptions, out problem))
        {
            return problem;
        }

        // Not retried: a grant is not idempotent (each call signs a new nonce); a cluster failure is a 503 to retry by hand.
        var grant = await cluster.GetGrain<IFaucetGrain>(0).GrantAsync(signed.Signer);
        return grant switch
        {
            { Outcome: FaucetOutcome.Disabled } => LedgerProblems.FaucetDisabled(),
            { Outcome: FaucetOutcome.MempoolFull } => TransactionSubmitter.RetryLater(context, LedgerProblems.MempoolFull()),
            { Transaction: { } transaction } => await submitter.AwaitOutcomeAsync(transaction.Id, waitFor, context),
            _ => throw new InvalidOperationException("The faucet submitted a grant without its transaction."),
        };
    }
}
