using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.State;

namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>An account as of the finalized block at <paramref name="Height"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.AccountSnapshot")]
public sealed record AccountSnapshot(
    [property: Id(0)] Did Did,
    [property: Id(1)] Account Account,
    [property: Id(2)] long Height);

/// <summary>
/// An escrow (null when the id was never locked) and the orchestrator's last used batch sequence, as of the finalized
/// block at <paramref name="Height"/>, whose time is <paramref name="TimeUnixMs"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.EscrowSnapshot")]
public sealed record EscrowSnapshot(
    [property: Id(0)] Hash32 Id,
    [property: Id(1)] Escrow? Escrow,
    [property: Id(2)] long OrchestratorSequence,
    [property: Id(3)] long Height,
    [property: Id(4)] long TimeUnixMs);
