using Ainur.Protocol.Ledger.State;

namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>
/// A budget (null when the id was never opened) as of the finalized block at <paramref name="Height"/>, whose time is
/// <paramref name="TimeUnixMs"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.BudgetSnapshot")]
public sealed record BudgetSnapshot(
    [property: Id(0)] Budget? Budget,
    [property: Id(1)] long Height,
    [property: Id(2)] long TimeUnixMs);

/// <summary>Whether a voucher was paid, as of the finalized block at <paramref name="Height"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.VoucherSnapshot")]
public sealed record VoucherSnapshot(
    [property: Id(0)] bool Spent,
    [property: Id(1)] long Height);
