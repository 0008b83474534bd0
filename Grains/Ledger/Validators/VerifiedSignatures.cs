using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Ledger.Validators;

/// <summary>
/// Signatures one validator has already checked, by transaction id and signature bytes (an id names the body only, so
/// a forged signature on a known body is never vouched for). Bounded: the oldest entries go first. Owned by one grain;
/// <see cref="Contains"/> may be called from several threads while nothing adds or removes.
/// </summary>
internal sealed class VerifiedSignatures(int capacity)
{
    private readonly Dictionary<Hash32, byte[]> _byId = [];
    private readonly Queue<Hash32> _order = new();

    public int Count => _byId.Count;

    public bool Contains(SignedTransaction transaction) =>
        _byId.TryGetValue(transaction.Id, out var signature) && transaction.Signature.SequenceEqual(signature);

    public void Add(SignedTransaction transaction)
    {
        if (!_byId.TryAdd(transaction.Id, transaction.Signature.ToArray()))
        {
            return;
        }

        _order.Enqueue(transaction.Id);
        while (_order.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _byId.Remove(oldest);
        }
    }

    /// <summary>Forgets transactions that are final: they will not be checked again.</summary>
    public void Forget(IEnumerable<SignedTransaction> transactions)
    {
        foreach (var transaction in transactions)
        {
            _byId.Remove(transaction.Id);
        }
    }
}
