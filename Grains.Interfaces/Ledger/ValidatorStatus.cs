using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>
/// One validator's view: its index and public identity, whether it is switched on, the height of its last finalized
/// block and that block's hash, where its consensus core stands (height, round, step) now, its silo, and how many
/// equivocations (two conflicting signed messages from one validator) it has seen: any at all means a validator double-signed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.ValidatorStatus")]
public sealed record ValidatorStatus(
    [property: Id(0)] int Index,
    [property: Id(1)] Did Did,
    [property: Id(2)] bool Online,
    [property: Id(3)] long FinalizedHeight,
    [property: Id(4)] Hash32 FinalizedHash,
    [property: Id(5)] long Height,
    [property: Id(6)] int Round,
    [property: Id(7)] string Step,
    [property: Id(8)] string Silo,
    [property: Id(9)] int Equivocations);
