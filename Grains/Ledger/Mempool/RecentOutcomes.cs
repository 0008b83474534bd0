using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Ledger.Mempool;

/// <summary>
/// The latest outcomes (final or rejected) by transaction id, bounded: the oldest are forgotten first. Final outcomes
/// stay answerable after that from the transaction index; this only spares it the common "just finalized" lookups.
/// </summary>
internal sealed class RecentOutcomes(int capacity)
{
    // Each entry carries the sequence number of its place in the queue, so a queue slot left behind by an outcome
    // that was forgotten or replaced never evicts a newer one.
    private readonly Dictionary<Hash32, (TxStatus Status, long Sequence)> _byId = [];
    private readonly Queue<(Hash32 Id, long Sequence)> _order = new();
    private long _sequence;

    public bool TryGet(Hash32 id, out TxStatus status)
    {
        var found = _byId.TryGetValue(id, out var entry);
        status = entry.Status;
        return found;
    }

    public void Remember(TxStatus status)
    {
        var sequence = ++_sequence;
        _byId[status.TransactionId] = (status, sequence);
        _order.Enqueue((status.TransactionId, sequence));

        // The queue, stale slots included, is what is bounded: the dictionary never outgrows it.
        while (_order.Count > capacity && _order.TryDequeue(out var oldest))
        {
            if (_byId.TryGetValue(oldest.Id, out var entry) && entry.Sequence == oldest.Sequence)
            {
                _byId.Remove(oldest.Id);
            }
        }
    }

    public void Forget(Hash32 id) => _byId.Remove(id);
}
