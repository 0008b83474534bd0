using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Grains.Ledger.Storage;

/// <summary>
/// The ledger's durable state, keyed by chain id so chains never see each other's rows: each validator's finalized
/// blocks (its own copy, heights 1..last without gaps), each validator's double-sign guard, and the chain's
/// transaction index.
/// <para>
/// Durability: a method that writes has made the write durable when its task completes (PostgreSQL: committed under
/// the server's <c>synchronous_commit</c>, which Ainur's durable instances leave on), so a caller may act on it, e.g.
/// send the vote a guard allows. Concurrency: every method is safe to call from any number of threads, silos and
/// processes at once; each write is one atomic step, and the guard's compare-and-set decides between racing writers.
/// Cancellation: a cancelled or failed write may or may not have happened; every write is idempotent, so the caller
/// retries it with the same arguments (a retried guard that did land answers true as a re-sign).
/// Checks: the store checks structure (the certificate names the block, heights link), never signatures; callers
/// verify what they hand in (<see cref="FinalizedBlock.Verify"/>).
/// </para>
/// </summary>
public interface ILedgerStore
{
    /// <summary>
    /// Stores <paramref name="block"/> as <paramref name="validator"/>'s finalized block at its height. Idempotent: saving
    /// the same block hash again succeeds and changes nothing (the certificate first stored is kept). Blocks are saved
    /// in height order: height 1 first, then each block must extend the stored one below it (its previous hash).
    /// </summary>
    /// <exception cref="LedgerForkException">A different block is stored at this height, or the block's previous hash
    /// is not the stored block below it. A safety violation: nothing was changed.</exception>
    /// <exception cref="InvalidOperationException">The block below this height is not stored yet (a gap).</exception>
    /// <exception cref="ArgumentException">The block is for another chain, its certificate names another block, or
    /// its height is below 1.</exception>
    Task SaveBlockAsync(string chainId, int validator, FinalizedBlock block, CancellationToken ct);

    /// <summary>The validator's finalized block at <paramref name="height"/>, or null when it has none there.</summary>
    /// <exception cref="InvalidDataException">The stored bytes do not decode to the stored block hash.</exception>
    Task<FinalizedBlock?> GetBlockAsync(string chainId, int validator, long height, CancellationToken ct);

    /// <summary>
    /// The validator's finalized blocks from <paramref name="fromHeight"/> to the last one, ascending. Read in pages,
    /// so reloading a long chain holds neither all of it in memory nor a connection while the caller works on a
    /// block; blocks saved while the enumeration runs may or may not appear.
    /// </summary>
    /// <exception cref="InvalidDataException">Stored bytes do not decode to the stored block hash.</exception>
    IAsyncEnumerable<FinalizedBlock> ReadBlocksAsync(string chainId, int validator, long fromHeight, CancellationToken ct);

    /// <summary>The validator's highest stored height; 0 when it has none. Heights 1 to it are all stored.</summary>
    Task<long> GetLastHeightAsync(string chainId, int validator, CancellationToken ct);

    /// <summary>
    /// The double-sign guard: asks to sign the message <paramref name="guard"/> describes (its height, round, step and
    /// block hash, null for nil) and records it, atomically. The guard is stored when its (height, round, step) is
    /// strictly after the stored one, or equal with the same block hash (an idempotent re-sign, which may update the
    /// lock but never moves it to an earlier round). True exactly when the stored guard now permits that signature;
    /// false means do not sign: this validator (perhaps a stale activation on another silo) already signed a later
    /// step or another block at that step. Durable before it returns, so a true may be acted on at once.
    /// </summary>
    Task<bool> TryAdvanceGuardAsync(string chainId, int validator, SigningGuard guard, CancellationToken ct);

    /// <summary>The validator's stored guard, or null when it has never signed.</summary>
    Task<SigningGuard?> LoadGuardAsync(string chainId, int validator, CancellationToken ct);

    /// <summary>
    /// Indexes the transactions of finalized <paramref name="block"/>: each id maps to the block's height and its
    /// position in it, and the indexed height becomes the block's. Meant for the chain's one indexer, in height order:
    /// idempotent for a height already indexed (nothing changes; an id keeps its first location).
    /// </summary>
    /// <exception cref="InvalidOperationException">The block is beyond the next height to index (a gap).</exception>
    /// <exception cref="ArgumentException">The block is for another chain or its height is below 1.</exception>
    Task IndexTransactionsAsync(string chainId, Block block, CancellationToken ct);

    /// <summary>Where transaction <paramref name="txId"/> was finalized, or null when it is not indexed (yet).</summary>
    Task<TxLocation?> FindTransactionAsync(string chainId, Hash32 txId, CancellationToken ct);

    /// <summary>The highest height indexed; 0 when none. Heights 1 to it are all indexed, so an indexer resumes at it + 1.</summary>
    Task<long> GetIndexedHeightAsync(string chainId, CancellationToken ct);

    /// <summary>
    /// Keeps <paramref name="state"/> (a <c>LedgerSnapshot</c>) as validator <paramref name="validator"/>'s latest
    /// snapshot, at <paramref name="height"/>, unless a later one is already stored. Durable when it returns.
    /// </summary>
    Task SaveSnapshotAsync(string chainId, int validator, long height, byte[] state, CancellationToken ct);

    /// <summary>The validator's latest snapshot, or null.</summary>
    Task<StoredSnapshot?> LoadSnapshotAsync(string chainId, int validator, CancellationToken ct);
}

/// <summary>A stored ledger snapshot: the height it was taken at and its bytes.</summary>
public sealed record StoredSnapshot(long Height, byte[] State);
