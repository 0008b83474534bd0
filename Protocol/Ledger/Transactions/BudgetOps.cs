using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Orleans;

namespace Ainur.Protocol.Ledger.Transactions;

/// <summary>
/// Pays task <paramref name="TaskId"/> from budget <paramref name="BudgetId"/> on the owner's voucher
/// (<see cref="Voucher"/>: <paramref name="Signature"/> is the owner's over budget id, task id and
/// <paramref name="MaxPrice"/> for this chain): <paramref name="PayeeAmount"/> to <paramref name="Payee"/> and
/// <paramref name="Fee"/> to the genesis' treasury, both at least 0 and together at most MaxPrice and at most what the
/// budget holds. Valid while the budget is not returned and the block height is at most its expiry height; a voucher
/// (budget id, task id) is paid once, ever. Canonical fields after the kind byte: budget id, task id, max price, the 64
/// signature bytes, payee, payee amount, fee.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.VoucherSettle")]
public sealed record VoucherSettle(
    [property: Id(0)] Hash32 BudgetId,
    [property: Id(1)] Hash32 TaskId,
    [property: Id(2)] long MaxPrice,
    [property: Id(3)] byte[] Signature,
    [property: Id(4)] Did Payee,
    [property: Id(5)] long PayeeAmount,
    [property: Id(6)] long Fee) : ProtocolOp
{
    /// <summary>The voucher this settles.</summary>
    public Voucher Voucher => new(BudgetId, TaskId, MaxPrice);

    /// <inheritdoc/>
    public override ProtocolOpKind Kind => ProtocolOpKind.VoucherSettle;

    /// <summary>Equality by content (records compare arrays by reference otherwise).</summary>
    public bool Equals(VoucherSettle? other) =>
        other is not null && BudgetId == other.BudgetId && TaskId == other.TaskId && MaxPrice == other.MaxPrice
        && Signature.AsSpan().SequenceEqual(other.Signature) && Payee == other.Payee && PayeeAmount == other.PayeeAmount && Fee == other.Fee;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(BudgetId, TaskId, MaxPrice, Payee, PayeeAmount, Fee);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The signature is not 64 bytes (the encoding has room for exactly that).</exception>
    protected override void WriteFields(CanonicalWriter writer)
    {
        if (Signature is not { Length: Voucher.SignatureLength })
        {
            throw new InvalidOperationException("A voucher's signature is 64 bytes.");
        }

        writer.Hash(BudgetId).Hash(TaskId).I64(MaxPrice).Raw(Signature).Did(Payee).I64(PayeeAmount).I64(Fee);
    }

    internal static VoucherSettle ReadFields(ref CanonicalReader reader) => new(
        reader.Hash(), reader.Hash(), reader.I64(), reader.Raw(Voucher.SignatureLength).ToArray(), reader.Did(), reader.I64(), reader.I64());
}

/// <summary>
/// Returns what budget <paramref name="BudgetId"/> still holds to its owner and ends it (returned): allowed once the
/// owner closed it or the block height is past its expiry height. Every later settle or top-up of it is refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.BudgetReturn")]
public sealed record BudgetReturn([property: Id(0)] Hash32 BudgetId) : ProtocolOp
{
    /// <inheritdoc/>
    public override ProtocolOpKind Kind => ProtocolOpKind.BudgetReturn;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Hash(BudgetId);
}
