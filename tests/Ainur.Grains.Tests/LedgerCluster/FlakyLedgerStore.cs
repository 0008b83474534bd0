using System.Runtime.CompilerServices;
using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;
using Npgsql;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>
/// A ledger store whose writes fail now and then the way a database connection does: every <c>n</c>-th guard write and
/// block save throws, half of them after the write went through (the caller cannot tell which).
/// </summary>
internal sealed class FlakyLedgerStore(ILedgerStore inner, int failEvery) : ILedgerStore
{
    private int _writes;

    public int Failures { get; private set; }

    public async Task<bool> TryAdvanceGuardAsync(string chainId, int validator, SigningGuard guard, CancellationToken ct) =>
        await FlakyAsync(() => inner.TryAdvanceGuardAsync(chainId, validator, guard, ct));

    public async Task SaveBlockAsync(string chainId, int validator, FinalizedBlock block, CancellationToken ct) =>
        await FlakyAsync(async () =>
        {
            await inner.SaveBlockAsync(chainId, validator, block, ct);
            return true;
        });

    public Task<FinalizedBlock?> GetBlockAsync(string chainId, int validator, long height, CancellationToken ct) => inner.GetBlockAsync(chainId, validator, height, ct);

    public IAsyncEnumerable<FinalizedBlock> ReadBlocksAsync(string chainId, int validator, long fromHeight, CancellationToken ct) =>
        inner.ReadBlocksAsync(chainId, validator, fromHeight, ct);

    public Task<long> GetLastHeightAsync(string chainId, int validator, CancellationToken ct) => inner.GetLastHeightAsync(chainId, validator, ct);

    public Task<SigningGuard?> LoadGuardAsync(string chainId, int validator, CancellationToken ct) => inner.LoadGuardAsync(chainId, validator, ct);

    public Task IndexTransactionsAsync(string chainId, Block block, CancellationToken ct) => inner.IndexTransactionsAsync(chainId, block, ct);

    public Task<TxLocation?> FindTransactionAsync(string chainId, Hash32 txId, CancellationToken ct) => inner.FindTransactionAsync(chainId, txId, ct);

    public Task<long> GetIndexedHeightAsync(string chainId, CancellationToken ct) => inner.GetIndexedHeightAsync(chainId, ct);

    public Task SaveSnapshotAsync(string chainId, int validator, long height, byte[] state, CancellationToken ct) =>
        inner.SaveSnapshotAsync(chainId, validator, height, state, ct);

    public Task<StoredSnapshot?> LoadSnapshotAsync(string chainId, int validator, CancellationToken ct) => inner.LoadSnapshotAsync(chainId, validator, ct);

    private async Task<T> FlakyAsync<T>(Func<Task<T>> write, [CallerMemberName] string operation = "")
    {
        var count = Interlocked.Increment(ref _writes);
        if (count % failEvery != 0)
        {
            return await write();
        }

        Failures++;
        if (count % (2 * failEvery) == 0)
        {
            await write();
        }

        throw new NpgsqlException($"Injected failure of {operation}.");
    }
}
