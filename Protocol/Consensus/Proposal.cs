using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Blocks;
using Orleans;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// The proposer's signed PROPOSAL of <paramref name="Block"/> for <paramref name="Height"/> and <paramref name="Round"/>;
/// <paramref name="ValidRound"/> is -1 or the round in which the proposer saw the block win a prevote quorum
/// (Algorithm 1, line 19). The signature covers <see cref="SigningBytes"/>, which name the block by its hash.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Proposal")]
public sealed record Proposal(
    [property: Id(0)] long Height,
    [property: Id(1)] int Round,
    [property: Id(2)] int ValidRound,
    [property: Id(3)] Block Block,
    [property: Id(4)] int Proposer,
    [property: Id(5)] byte[] Signature)
{
    private const string SigningContext = "ainur/proposal/v1";

    /// <summary>The bytes a proposer signs.</summary>
    public static byte[] SigningBytes(string chainId, long height, int round, int validRound, Hash32 blockHash) =>
        new CanonicalWriter(96).Text(SigningContext).Text(chainId).I64(height).I32(round).I32(validRound).Hash(blockHash).ToArray();

    /// <summary>True when the signature is the proposer's in <paramref name="validators"/>. Never throws.</summary>
    public bool VerifySignature(ValidatorSet validators, string chainId)
    {
        ArgumentNullException.ThrowIfNull(validators);
        return Block is not null && Proposer >= 0 && Proposer < validators.Count && Signature is not null
            && SignatureMemo.Verify(validators.Members[Proposer], SigningBytes(chainId, Height, Round, ValidRound, Block.Hash), Signature);
    }

    /// <summary>Equality by content.</summary>
    public bool Equals(Proposal? other) =>
        other is not null && Height == other.Height && Round == other.Round && ValidRound == other.ValidRound
        && Proposer == other.Proposer && Block.Hash == other.Block.Hash && Signature.AsSpan().SequenceEqual(other.Signature);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Height, Round, Proposer);
}
