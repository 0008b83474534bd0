using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Ledger.Validators;

/// <summary>
/// Signatures one validator has already checked: of transactions, by id and signature bytes (an id names the body only,
/// so a forged signature on a known body is never vouched for), and of vouchers, by their whole settlement (signature
/// included) and the owner checked against. Bounded: the oldest entries go first. Owned by one grain;
/// <see cref="Contains(SignedTransaction)"/> and <see cref="Contains(Did, VoucherSettle)"/> may be called from several
/// threads while nothing adds or removes.
/// </summary>
internal sealed class VerifiedSignatures(int capacity)
{
    private readonly Dictionary<Hash32, byte[]> _byId = [];
    private readonly Queue<Hash32> _order = new();
    private readonly Dictionary<VoucherSettle, Did> _vouchers = [];
    private readonly Queue<VoucherSettle> _voucherOrder = new();

    public int Count => _byId.Count;

    public bool Contains(SignedTransaction transaction) =>
        _byId.TryGetValue(transaction.Id, out var signature) && transaction.Signature.SequenceEqual(signature);

    public bool Contains(Did owner, VoucherSettle settle) => _vouchers.TryGetValue(settle, out var checkedOwner) && checkedOwner == owner;

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

    public void Add(Did owner, VoucherSettle settle)
    {
        if (!_vouchers.TryAdd(settle, owner))
        {
            return;
        }

        _voucherOrder.Enqueue(settle);
        while (_voucherOrder.Count > capacity && _voucherOrder.TryDequeue(out var oldest))
        {
            _vouchers.Remove(oldest);
        }
    }

    /// <summary>Forgets transactions that are final, and their vouchers: they will not be checked again.</summary>
    public void Forget(IEnumerable<SignedTransaction> transactions)
    {
        foreach (var transaction in transactions)
        {
            _byId.Remove(transaction.Id);
            if (transaction.Body is ProtocolBatch batch)
            {
                foreach (var settle in batch.Operations.OfType<VoucherSettle>())
                {
                    _vouchers.Remove(settle);
                }
            }
        }
    }
}
