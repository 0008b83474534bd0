using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Budgets;
using Orleans;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// How a task is paid when its client pays from a budget instead of an escrow lock of its own: the budget and the
/// client's 64-byte signature over <see cref="Voucher"/>(budget, task id, maxPrice). Settlement carries the signature to
/// the ledger, which pays the voucher once, at most maxPrice, from what the budget holds.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskVoucher")]
public sealed record TaskVoucher([property: Id(0)] Hash32 BudgetId, [property: Id(1)] byte[] Signature)
{
    /// <summary>The voucher the signature signs for <paramref name="terms"/>.</summary>
    public Voucher For(TaskTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return new Voucher(BudgetId, terms.TaskId(), terms.MaxPrice);
    }

    /// <summary>Equality by content (records compare arrays by reference otherwise).</summary>
    public bool Equals(TaskVoucher? other) =>
        other is not null && BudgetId == other.BudgetId && Signature.AsSpan().SequenceEqual(other.Signature);

    /// <inheritdoc/>
    public override int GetHashCode() => BudgetId.GetHashCode();
}
