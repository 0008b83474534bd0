using Ainur.Gateway.Apis;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Ledger;

/// <summary>
/// Submits a signed transaction to the mempool and waits (a bounded time) for its outcome, answering as every ledger
/// write endpoint does: 200 with the status and payment proof when final, 202 with a Location to poll when still
/// pending, 422 with the ledger's rejection code when rejected, 503 when the pool is full or lost the transaction.
/// Submitting the same bytes again is harmless (same id; the mempool deduplicates and a final one stays final).
/// </summary>
public sealed class TransactionSubmitter(IClusterClient cluster)
{
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(2);

    /// <summary>Submits <paramref name="transaction"/> and waits up to <paramref name="wait"/> for its finality.</summary>
    public async Task<Results<Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult>> SubmitAsync(
        SignedTransaction transaction, TimeSpan wait, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(context);
        var mempool = cluster.GetGrain<IMempoolGrain>(0);
        var submitted = await GrainRetry.RunAsync(() => mempool.SubmitAsync(transaction), context.RequestAborted);
        return submitted.Status == SubmitStatus.Full ? RetryLater(context, LedgerProblems.MempoolFull()) : await AwaitOutcomeAsync(transaction.Id, wait, context);
    }

    /// <summary>Waits up to <paramref name="wait"/> for the outcome of a transaction already admitted.</summary>
    public async Task<Results<Ok<TxStatusView>, Accepted<TxStatusView>, ProblemHttpResult>> AwaitOutcomeAsync(
        Hash32 transactionId, TimeSpan wait, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.RequestAborted;
        var status = await WaitInSlicesAsync(transactionId, wait, ct);
        var location = $"/v1/ledger/txs/{transactionId}";
        switch (status.State)
        {
            case TxState.Final:
                var view = await GrainRetry.RunAsync(() => cluster.GetGrain<ILedgerQueryGrain>(0).GetTransactionAsync(transactionId), ct);
                return view.Proof is { } proof
                    ? TypedResults.Ok(TxStatusView.From(view.Status, proof))
                    : TypedResults.Accepted(location, TxStatusView.From(view.Status, null));
            case TxState.Pending:
                return TypedResults.Accepted(location, TxStatusView.From(status, null));
            case TxState.Rejected when status.Rejection is { } rejection:
                return LedgerProblems.Rejected(transactionId, rejection);
            default:
                return RetryLater(context, LedgerProblems.Unavailable("The ledger lost track of the transaction before it was final (a restart?); nothing was applied: submit it again."));
        }
    }

    /// <summary>A 503 <paramref name="problem"/> with Retry-After, as the exception handler answers cluster failures.</summary>
    // A cluster gateway's grain calls time out after a few seconds (AinurClientBuilderExtensions), so a long wait is
    // asked for in slices shorter than that.
    private async Task<TxStatus> WaitInSlicesAsync(Hash32 transactionId, TimeSpan wait, CancellationToken ct)
    {
        var mempool = cluster.GetGrain<IMempoolGrain>(0);
        var deadline = DateTimeOffset.UtcNow + wait;
        while (true)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            var slice = left < WaitSlice ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : WaitSlice;
            var status = await GrainRetry.RunAsync(() => mempool.WaitAsync(transactionId, slice), ct);
            if (status.State != TxState.Pending || DateTimeOffset.UtcNow >= deadline)
            {
                return status;
            }
        }
    }

    internal static ProblemHttpResult RetryLater(HttpContext context, ProblemHttpResult problem)
    {
        context.Response.Headers.RetryAfter = "1";
        return problem;
    }
}
