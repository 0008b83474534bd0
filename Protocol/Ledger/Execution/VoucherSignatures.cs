using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>
/// The voucher signature checks of one block. The rules ask <see cref="IsValid"/> in order, one at a time; a
/// <see cref="Precheck"/> before that verifies many at once on several cores, so at load (where vouchers are most of a
/// validator's work) the rules find the answers ready. The answer is a function of owner, operation and chain id
/// alone, so whether it was prechecked never changes the outcome. Not thread-safe outside <see cref="Precheck"/>.
/// </summary>
internal sealed class VoucherSignatures
{
    private readonly string _chainId;
    private readonly bool _trusted;
    private readonly Dictionary<(Did Owner, VoucherSettle Settle), bool> _checked = [];

    private VoucherSignatures(string chainId, bool trusted)
    {
        _chainId = chainId;
        _trusted = trusted;
    }

    /// <summary>Checks each voucher (those prechecked once, the others when asked).</summary>
    public static VoucherSignatures Checking(string chainId) => new(chainId, trusted: false);

    /// <summary>
    /// Takes every voucher as valid: only for a block with a verified commit certificate, whose vouchers more than two
    /// thirds of the validators checked before committing it (as its transaction signatures).
    /// </summary>
    public static VoucherSignatures Trusting(string chainId) => new(chainId, trusted: true);

    /// <summary>Whether <paramref name="settle"/>'s signature is <paramref name="owner"/>'s over its voucher for this chain.</summary>
    public bool IsValid(Did owner, VoucherSettle settle)
    {
        if (_trusted)
        {
            return true;
        }

        if (!_checked.TryGetValue((owner, settle), out var valid))
        {
            valid = settle.Voucher.Verify(owner, settle.Signature, _chainId);
            _checked[(owner, settle)] = valid;
        }

        return valid;
    }

    /// <summary>
    /// Verifies, on up to <paramref name="maxParallelism"/> cores, the vouchers of the settlements in
    /// <paramref name="count"/> transactions from <paramref name="start"/> whose budget's owner is known: by
    /// <paramref name="ownerOf"/> (the state as of now) or by a budget open among those transactions. Those of a
    /// transaction <paramref name="vouched"/> vouches for (the caller verified all its vouchers before, see
    /// <see cref="VoucherPrevalidation"/>) are taken as valid: a budget id names its owner for ever, so a voucher once
    /// valid for it stays valid.
    /// </summary>
    public void Precheck(
        IReadOnlyList<SignedTransaction> transactions, int start, int count, Func<Hash32, Did?> ownerOf, int maxParallelism,
        Func<SignedTransaction, bool>? vouched = null)
    {
        if (_trusted)
        {
            return;
        }

        var opened = new Dictionary<Hash32, Did>();
        var settles = new List<(VoucherSettle Settle, bool Vouched)>();
        for (var i = start; i < start + count; i++)
        {
            switch (transactions[i].Body)
            {
                case BudgetOpen open:
                    opened.TryAdd(open.BudgetId, open.Owner);
                    break;
                case ProtocolBatch batch:
                    var vouchedFor = vouched?.Invoke(transactions[i]) == true;
                    settles.AddRange(batch.Operations.OfType<VoucherSettle>().Select(s => (s, vouchedFor)));
                    break;
            }
        }

        var pending = new List<(Did Owner, VoucherSettle Settle)>();
        foreach (var (settle, vouchedFor) in settles)
        {
            if ((ownerOf(settle.BudgetId) ?? (opened.TryGetValue(settle.BudgetId, out var did) ? did : null)) is not { } owner)
            {
                continue;
            }

            if (vouchedFor)
            {
                _checked[(owner, settle)] = true;
            }
            else if (!_checked.ContainsKey((owner, settle)))
            {
                pending.Add((owner, settle));
            }
        }

        var valid = SignatureChecks.Run(pending.Count, maxParallelism, i => pending[i].Settle.Voucher.Verify(pending[i].Owner, pending[i].Settle.Signature, _chainId));
        for (var i = 0; i < pending.Count; i++)
        {
            _checked[pending[i]] = valid[i];
        }
    }
}
