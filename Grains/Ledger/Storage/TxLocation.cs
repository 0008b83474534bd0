namespace Ainur.Grains.Ledger.Storage;

/// <summary>Where a finalized transaction is: the block <paramref name="Height"/> and its 0-based <paramref name="Position"/> in that block.</summary>
[GenerateSerializer, Immutable, Alias("ainur.TxLocation")]
public sealed record TxLocation([property: Id(0)] long Height, [property: Id(1)] int Position);
