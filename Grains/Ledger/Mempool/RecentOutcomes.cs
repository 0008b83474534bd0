using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Ledger.Mempool;

/// <summary>
/// The latest outcomes (final or rejected) by transaction id, bounded: the oldest are forgotten first. Final outcomes
/// stay answerable after that from the transaction index; this only spares it the common "just finalized" lookups.
/// </summary>
internal sealed class RecentOutcomes(int capacity)
{
    private readonly Dictionary<Hash32, TxStatus> _byId = [];
    private readonly Queue<Hash32> _order = new();

    public bool TryGet(Hash32 id, out TxStatus status) => _byId.TryGetValue(id, out status!);

    public void Remember(TxStatus status)
    {
        if (_byId.TryAdd(status.TransactionId, status))
        {
            _order.Enqueue(status.TransactionId);
        }
        else
        {
            _byId[status.TransactionId] = status;
        }

        while (_order.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _byId.Remove(oldest);
        }
    }

    public void Forget(Hash32 id) => _byId.Remove(id);
}
