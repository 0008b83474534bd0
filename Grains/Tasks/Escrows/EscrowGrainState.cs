using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tasks.Escrows;

/// <summary>The stored state of an <see cref="EscrowGrain"/>: each hold's client-signed lock and where it stands.</summary>
[GenerateSerializer, Alias("ainur.EscrowGrainState")]
public sealed class EscrowGrainState
{
    /// <summary>The payment hold, once its lock was handed over.</summary>
    [Id(0)]
    public HoldEntry? Payment { get; set; }

    /// <summary>The dispute bond hold, once its lock was handed over.</summary>
    [Id(1)]
    public HoldEntry? Bond { get; set; }
}

/// <summary>
/// A hold: the signed lock transaction's bytes (kept after a refusal: the lock expires, and the watch that follows may
/// submit it again past its expiry to have the ledger's time pass it), its state, and the ledger's reason when the lock
/// was refused or watched to its end.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.HoldEntry")]
public sealed record HoldEntry([property: Id(0)] byte[] LockTransaction, [property: Id(1)] HoldState State, [property: Id(2)] string? Reason);
