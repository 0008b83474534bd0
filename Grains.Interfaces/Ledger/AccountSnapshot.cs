using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.State;

namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>An account as of the finalized block at <paramref name="Height"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.AccountSnapshot")]
public sealed record AccountSnapshot(
    [property: Id(0)] Did Did,
    [property: Id(1)] Account Account,
    [property: Id(2)] long Height);
