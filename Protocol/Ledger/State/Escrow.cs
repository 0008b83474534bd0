using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Ledger.State;

/// <summary>Where an escrow stands. Byte values are part of the state root and never change.</summary>
public enum EscrowStatus : byte
{
    /// <summary>The credits are held; a protocol release or refund may close it.</summary>
    Locked = 1,

    /// <summary>Closed by a release: paid to the payee, the fee to the treasury, any rest back to the payer.</summary>
    Released = 2,

    /// <summary>Closed by a refund: all of it went back to the payer.</summary>
    Refunded = 3,
}

/// <summary>
/// Credits <paramref name="Payer"/> locked under <paramref name="Id"/> at block <paramref name="LockedAtHeight"/>.
/// <paramref name="Amount"/> is the amount locked and stays as it was after closing (the record of what was held);
/// only a <see cref="EscrowStatus.Locked"/> escrow counts towards the supply. <paramref name="ClosedAtHeight"/> is the
/// block that released or refunded it, 0 while locked. Closed escrows stay in the state forever, so an id is usable once.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Escrow")]
public sealed record Escrow(
    [property: Id(0)] Hash32 Id,
    [property: Id(1)] Did Payer,
    [property: Id(2)] long Amount,
    [property: Id(3)] EscrowStatus Status,
    [property: Id(4)] long LockedAtHeight,
    [property: Id(5)] long ClosedAtHeight);
