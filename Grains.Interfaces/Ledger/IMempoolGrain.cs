using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Execution;
using Orleans.Concurrency;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>
/// The ledger's transaction pool (key 0; one per ledger shard later). Admits transactions (well-formed, not a
/// duplicate, not over capacity), hands the proposer batches, learns of finalized blocks from the validators, indexes
/// them, and answers callers waiting for their transaction's outcome. Pending transactions live in memory: a
/// submission is acknowledged as durable only once final (see <see cref="WaitAsync"/>); a pending one may be resubmitted
/// byte for byte at any time, which is harmless (same id, and its nonce or escrow id makes a second application invalid).
/// </summary>
[Alias("ainur.IMempoolGrain")]
public interface IMempoolGrain : IGrainWithIntegerKey
{
    /// <summary>Admits one signed transaction. Does not check signatures (every validator does) but does refuse duplicates.</summary>
    [Alias("Submit")]
    Task<SubmitResult> SubmitAsync(SignedTransaction transaction);

    /// <summary>Admits many transactions in one call; results in the same order.</summary>
    [Alias("SubmitMany")]
    Task<ImmutableArray<SubmitResult>> SubmitManyAsync(ImmutableArray<SignedTransaction> transactions);

    /// <summary>
    /// Up to <paramref name="max"/> pending transactions for a proposal, oldest first. Waits at most the configured
    /// batch wait for a full batch when fewer are pending. Transactions stay pending until finalized or rejected.
    /// </summary>
    [Alias("Reap")]
    Task<ImmutableArray<SignedTransaction>> ReapAsync(int max);

    /// <summary>
    /// The proposer of <paramref name="height"/> found these transactions invalid against the ledger before that height:
    /// drop them and tell their waiters why. A report for a height already final is ignored (the transactions stay
    /// pending): its proposer judged them on a state older than the ledger's, on which they may be valid now.
    /// </summary>
    [Alias("Rejected")]
    Task RejectedAsync(long height, ImmutableArray<RejectedTransaction> rejected);

    /// <summary>
    /// A validator finalized (and persisted) <paramref name="finalized"/>. Idempotent per height: every validator reports
    /// every block. Returns how many transactions are still pending, so the validator knows whether to start the next height.
    /// </summary>
    [Alias("Finalized")]
    Task<int> FinalizedAsync(FinalizedBlock finalized);

    /// <summary>Waits up to <paramref name="timeout"/> for the transaction's outcome; returns its status at that point.</summary>
    [AlwaysInterleave, Alias("Wait")]
    Task<TxStatus> WaitAsync(Hash32 transactionId, TimeSpan timeout);

    /// <summary>Waits up to <paramref name="timeout"/> until a block at or above <paramref name="height"/> is final; returns the head height.</summary>
    [AlwaysInterleave, Alias("WaitForHeight")]
    Task<long> WaitForHeightAsync(long height, TimeSpan timeout);

    /// <summary>The head height and the number of pending transactions.</summary>
    [AlwaysInterleave, Alias("GetHead")]
    Task<MempoolHead> GetHeadAsync();
}
