using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Orleans;

namespace Ainur.Protocol.Ledger.Transactions;

/// <summary>
/// Moves <paramref name="Amount"/> credits of <paramref name="Owner"/>'s balance into a new budget,
/// <see cref="BudgetId"/> = <see cref="BudgetIds.Of"/>(Owner, Nonce), which vouchers signed by Owner may spend until
/// block <paramref name="ExpiryHeight"/> (inclusive). Signed by Owner. A budget id is usable once, ever: that is this
/// transaction's replay guard, so <paramref name="Nonce"/> is the owner's free choice and does not spend the account's
/// nonce (as an escrow lock's id does not).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.BudgetOpen")]
public sealed record BudgetOpen(
    [property: Id(0)] Did Owner,
    [property: Id(1)] long Nonce,
    [property: Id(2)] long Amount,
    [property: Id(3)] long ExpiryHeight) : TxBody
{
    /// <summary>The id of the budget this opens.</summary>
    public Hash32 BudgetId => BudgetIds.Of(Owner, Nonce);

    /// <inheritdoc/>
    public override TxKind Kind => TxKind.BudgetOpen;

    /// <inheritdoc/>
    public override Did Signer => Owner;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Did(Owner).I64(Nonce).I64(Amount).I64(ExpiryHeight);
}

/// <summary>
/// Adds <paramref name="Amount"/> credits of <paramref name="Owner"/>'s balance to its open budget
/// <paramref name="BudgetId"/>, up to the budget's expiry height. Signed by Owner; <paramref name="Nonce"/> spends the
/// owner's account nonce as <see cref="Transfer"/> does, which makes a replay invalid.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.BudgetTopUp")]
public sealed record BudgetTopUp(
    [property: Id(0)] Did Owner,
    [property: Id(1)] Hash32 BudgetId,
    [property: Id(2)] long Amount,
    [property: Id(3)] long Nonce) : TxBody
{
    /// <inheritdoc/>
    public override TxKind Kind => TxKind.BudgetTopUp;

    /// <inheritdoc/>
    public override Did Signer => Owner;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Did(Owner).Hash(BudgetId).I64(Amount).I64(Nonce);
}

/// <summary>
/// Marks <paramref name="Owner"/>'s open budget <paramref name="BudgetId"/> as closing: the node reserves nothing more
/// on it, vouchers already given may still settle until expiry, and the orchestrator may return the rest at once.
/// Signed by Owner. No nonce: it applies at most once (a budget that is closing or returned refuses it).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.BudgetClose")]
public sealed record BudgetClose(
    [property: Id(0)] Did Owner,
    [property: Id(1)] Hash32 BudgetId) : TxBody
{
    /// <inheritdoc/>
    public override TxKind Kind => TxKind.BudgetClose;

    /// <inheritdoc/>
    public override Did Signer => Owner;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Did(Owner).Hash(BudgetId);
}
