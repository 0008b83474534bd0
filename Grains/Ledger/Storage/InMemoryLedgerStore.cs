using System.Collections.Concurrent;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Grains.Ledger.Storage;

/// <summary>
/// <see cref="ILedgerStore"/> for the explicit in-memory storage mode: one process only, forgotten on restart, so
/// "durable" means visible to every later call in this process. Same checks, refusals and results as
/// <see cref="PostgresLedgerStore"/>; each validator's chain and guard, and each chain's index, sit behind their own
/// lock, which makes every write one atomic step.
/// </summary>
public sealed class InMemoryLedgerStore : ILedgerStore
{
    // Matches the PostgreSQL store's page, so a reader sees blocks saved meanwhile in the same way.
    private const int ReadPageSize = 100;

    private readonly ConcurrentDictionary<(string Chain, int Validator), ValidatorRecords> _validators = new();
    private readonly ConcurrentDictionary<string, ChainIndex> _indexes = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task SaveBlockAsync(string chainId, int validator, FinalizedBlock block, CancellationToken ct)
    {
        LedgerStoreChecks.CheckSave(chainId, validator, block);
        var records = _validators.GetOrAdd((chainId, validator), _ => new ValidatorRecords());
        lock (records)
        {
            var blocks = records.Blocks;
            var height = block.Height;
            Hash32? stored = height <= blocks.Count ? blocks[(int)height - 1].Block.Hash : null;
            Hash32? below = height >= 2 && height - 1 <= blocks.Count ? blocks[(int)height - 2].Block.Hash : null;
            if (height == blocks.Count + 1 && (height == 1 || below == block.Block.Header.PreviousHash))
            {
                blocks.Add(block);
                return Task.CompletedTask;
            }

            LedgerStoreChecks.ThrowUnlessAlreadyStored(chainId, validator, block, stored, below);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task<FinalizedBlock?> GetBlockAsync(string chainId, int validator, long height, CancellationToken ct)
    {
        var page = Page(chainId, validator, height, 1);
        return Task.FromResult(page.Count == 1 && page[0].Height == height ? page[0] : null);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<FinalizedBlock> ReadBlocksAsync(string chainId, int validator, long fromHeight, CancellationToken ct) =>
        ReadPages(chainId, validator, fromHeight, ct).ToAsyncEnumerable();

    /// <inheritdoc />
    public Task<long> GetLastHeightAsync(string chainId, int validator, CancellationToken ct)
    {
        if (!_validators.TryGetValue((chainId, validator), out var records)) return Task.FromResult(0L);
        lock (records)
        {
            return Task.FromResult((long)records.Blocks.Count);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryAdvanceGuardAsync(string chainId, int validator, SigningGuard guard, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(guard);
        var records = _validators.GetOrAdd((chainId, validator), _ => new ValidatorRecords());
        lock (records)
        {
            if (records.Guard is { } stored)
            {
                var order = ComparePoint(guard, stored);
                if (order < 0 || (order == 0 && guard.BlockHash != stored.BlockHash)) return Task.FromResult(false);

                // An idempotent re-sign: the lock may move forward, never back.
                if (order == 0 && guard.LockedRound < stored.LockedRound) return Task.FromResult(true);
            }

            records.Guard = guard;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<SigningGuard?> LoadGuardAsync(string chainId, int validator, CancellationToken ct)
    {
        if (!_validators.TryGetValue((chainId, validator), out var records)) return Task.FromResult<SigningGuard?>(null);
        lock (records)
        {
            return Task.FromResult(records.Guard);
        }
    }

    /// <inheritdoc />
    public Task IndexTransactionsAsync(string chainId, Block block, CancellationToken ct)
    {
        LedgerStoreChecks.CheckIndex(chainId, block);
        var index = _indexes.GetOrAdd(chainId, _ => new ChainIndex());
        lock (index)
        {
            if (block.Height > index.Height + 1) throw LedgerStoreChecks.IndexGap(chainId, block.Height, index.Height);
            for (var i = 0; i < block.Transactions.Length; i++)
            {
                index.Locations.TryAdd(block.Transactions[i].Id, new TxLocation(block.Height, i));
            }

            index.Height = Math.Max(index.Height, block.Height);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<TxLocation?> FindTransactionAsync(string chainId, Hash32 txId, CancellationToken ct)
    {
        if (!_indexes.TryGetValue(chainId, out var index)) return Task.FromResult<TxLocation?>(null);
        lock (index)
        {
            return Task.FromResult(index.Locations.GetValueOrDefault(txId));
        }
    }

    /// <inheritdoc />
    public Task<long> GetIndexedHeightAsync(string chainId, CancellationToken ct)
    {
        if (!_indexes.TryGetValue(chainId, out var index)) return Task.FromResult(0L);
        lock (index)
        {
            return Task.FromResult(index.Height);
        }
    }

    // Orders two guards by (height, round, step), the order in which a validator signs.
    private static int ComparePoint(SigningGuard a, SigningGuard b)
    {
        var order = a.Height.CompareTo(b.Height);
        if (order == 0) order = a.Round.CompareTo(b.Round);
        return order != 0 ? order : a.Step.CompareTo(b.Step);
    }

    private IEnumerable<FinalizedBlock> ReadPages(string chainId, int validator, long fromHeight, CancellationToken ct)
    {
        var next = fromHeight;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var page = Page(chainId, validator, next, ReadPageSize);
            foreach (var block in page)
            {
                yield return block;
            }

            if (page.Count < ReadPageSize) yield break;
            next = page[^1].Height + 1;
        }
    }

    // Blocks from fromHeight on, at most limit of them: a copy, so callers never hold the lock.
    private List<FinalizedBlock> Page(string chainId, int validator, long fromHeight, int limit)
    {
        if (!_validators.TryGetValue((chainId, validator), out var records)) return [];
        lock (records)
        {
            var start = (int)Math.Clamp(fromHeight - 1, 0, records.Blocks.Count);
            return records.Blocks.GetRange(start, Math.Min(limit, records.Blocks.Count - start));
        }
    }

    /// <inheritdoc />
    public Task SaveSnapshotAsync(string chainId, int validator, long height, byte[] state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        var records = _validators.GetOrAdd((chainId, validator), _ => new ValidatorRecords());
        lock (records)
        {
            if (records.Snapshot is null || records.Snapshot.Height < height)
            {
                records.Snapshot = new StoredSnapshot(height, [.. state]);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<StoredSnapshot?> LoadSnapshotAsync(string chainId, int validator, CancellationToken ct)
    {
        if (!_validators.TryGetValue((chainId, validator), out var records)) return Task.FromResult<StoredSnapshot?>(null);
        lock (records)
        {
            return Task.FromResult(records.Snapshot);
        }
    }

    private sealed class ValidatorRecords
    {
        // Blocks[i] is height i + 1: heights have no gaps.
        public List<FinalizedBlock> Blocks { get; } = [];

        public SigningGuard? Guard { get; set; }

        public StoredSnapshot? Snapshot { get; set; }
    }

    private sealed class ChainIndex
    {
        public Dictionary<Hash32, TxLocation> Locations { get; } = [];

        public long Height { get; set; }
    }
}
