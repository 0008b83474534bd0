using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Ledger.Mempool;

/// <summary>
/// Pending transactions in arrival order with O(1) add, lookup and removal by id. Not thread-safe: owned by one grain.
/// </summary>
internal sealed class TransactionPool(int capacity)
{
    private readonly LinkedList<PendingTransaction> _order = new();
    private readonly Dictionary<Hash32, LinkedListNode<PendingTransaction>> _byId = [];

    public int Count => _byId.Count;

    public bool IsFull => _byId.Count >= capacity;

    public bool Contains(Hash32 id) => _byId.ContainsKey(id);

    /// <summary>When the oldest pending transaction was admitted; <see cref="long.MaxValue"/> when none is.</summary>
    public long OldestAdmittedAtTicks => _order.First?.Value.AdmittedAtTicks ?? long.MaxValue;

    public bool TryGet(Hash32 id, out PendingTransaction pending)
    {
        var found = _byId.TryGetValue(id, out var node);
        pending = found ? node!.Value : default;
        return found;
    }

    public void Add(SignedTransaction transaction, long admittedAtTicks) =>
        _byId.Add(transaction.Id, _order.AddLast(new PendingTransaction(transaction, admittedAtTicks)));

    public bool Remove(Hash32 id, out PendingTransaction removed)
    {
        if (!_byId.Remove(id, out var node))
        {
            removed = default;
            return false;
        }

        removed = node.Value;
        _order.Remove(node);
        return true;
    }

    /// <summary>The oldest <paramref name="max"/> transactions; they stay in the pool.</summary>
    public ImmutableArray<SignedTransaction> Oldest(int max)
    {
        var batch = ImmutableArray.CreateBuilder<SignedTransaction>(Math.Min(max, _byId.Count));
        for (var node = _order.First; node is not null && batch.Count < max; node = node.Next)
        {
            batch.Add(node.Value.Transaction);
        }

        return batch.DrainToImmutable();
    }
}

/// <summary>A pending transaction and when it was admitted (for finality latency).</summary>
internal readonly record struct PendingTransaction(SignedTransaction Transaction, long AdmittedAtTicks);
