using Orleans;

namespace Ainur.Protocol.Ledger.State;

/// <summary>
/// Stake on its way back to the balance: <paramref name="Amount"/> credits return at the start of block
/// <paramref name="ReleaseHeight"/>. Until then they can still be slashed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.UnbondingEntry")]
public readonly record struct UnbondingEntry([property: Id(0)] long Amount, [property: Id(1)] long ReleaseHeight);
