using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Consensus;

/// <summary>The two vote steps of a round.</summary>
public enum VoteType : byte
{
    /// <summary>First vote of a round (Algorithm 1's PREVOTE).</summary>
    Prevote = 1,

    /// <summary>Second vote of a round (PRECOMMIT); more than two thirds of them for one block decide it.</summary>
    Precommit = 2,
}

/// <summary>
/// A validator's signed vote for <paramref name="BlockHash"/> (null: nil) at <paramref name="Height"/> and
/// <paramref name="Round"/>. The signature covers <see cref="SigningBytes"/>; the validator is named by its index in the set.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Vote")]
public sealed record Vote(
    [property: Id(0)] VoteType Type,
    [property: Id(1)] long Height,
    [property: Id(2)] int Round,
    [property: Id(3)] Hash32? BlockHash,
    [property: Id(4)] int Validator,
    [property: Id(5)] byte[] Signature)
{
    private const string SigningContext = "ainur/vote/v1";

    /// <summary>The bytes a validator signs for a vote.</summary>
    public static byte[] SigningBytes(string chainId, VoteType type, long height, int round, Hash32? blockHash) =>
        new CanonicalWriter(96).Text(SigningContext).Text(chainId).U8((byte)type).I64(height).I32(round).OptionalHash(blockHash).ToArray();

    /// <summary>True when the signature is validator <see cref="Validator"/>'s in <paramref name="validators"/>. Never throws.</summary>
    public bool VerifySignature(ValidatorSet validators, string chainId)
    {
        ArgumentNullException.ThrowIfNull(validators);
        return Validator >= 0 && Validator < validators.Count && Signature is not null
            && SignatureMemo.Verify(validators.Members[Validator], SigningBytes(chainId, Type, Height, Round, BlockHash), Signature);
    }

    /// <summary>Equality by content.</summary>
    public bool Equals(Vote? other) =>
        other is not null && Type == other.Type && Height == other.Height && Round == other.Round
        && BlockHash == other.BlockHash && Validator == other.Validator && Signature.AsSpan().SequenceEqual(other.Signature);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Type, Height, Round, BlockHash, Validator);
}
