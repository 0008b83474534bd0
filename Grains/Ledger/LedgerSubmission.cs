using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Ledger;

/// <summary>
/// Submits a transaction to the mempool and waits for the ledger's answer, for grains that move money on behalf of
/// tasks. Resubmits when the pool forgot it (a pool that re-activated elsewhere) and backs off while the pool is full;
/// resubmitting is harmless (same id; an escrow id or a sequence makes a second application invalid).
/// </summary>
internal static class LedgerSubmission
{
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FullBackoff = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The transaction's status once it is final or rejected, or its last known status (Pending or Unknown) when
    /// <paramref name="wait"/> passed first. <paramref name="pooled"/>: the caller has just seen the pool admit it, so
    /// it is pending and the pool is not asked first.
    /// </summary>
    public static async Task<TxStatus> SubmitAndWaitAsync(IGrainFactory grains, SignedTransaction transaction, TimeSpan wait, TimeProvider clock, bool pooled = false)
    {
        var mempool = grains.GetGrain<IMempoolGrain>(0);
        var until = clock.GetUtcNow() + wait;
        // A transaction final before (this is a retry) must not go back to the pool: there it would now be invalid.
        var status = pooled
            ? new TxStatus(transaction.Id, TxState.Pending, 0, -1, null)
            : await mempool.WaitAsync(transaction.Id, TimeSpan.Zero);
        while (status.State is not (TxState.Final or TxState.Rejected))
        {
            if (status.State == TxState.Unknown)
            {
                var submitted = await mempool.SubmitAsync(transaction);
                if (submitted.Status == SubmitStatus.Full)
                {
                    if (clock.GetUtcNow() >= until)
                    {
                        return status;
                    }

                    await Task.Delay(FullBackoff, clock);
                    continue;
                }
            }

            var left = until - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return status;
            }

            status = await mempool.WaitAsync(transaction.Id, left < Slice ? left : Slice);
        }

        return status;
    }
}
