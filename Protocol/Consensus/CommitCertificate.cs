using System.Collections.Immutable;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Consensus;

/// <summary>One validator's precommit signature inside a <see cref="CommitCertificate"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.CommitSignature")]
public sealed record CommitSignature([property: Id(0)] int Validator, [property: Id(1)] byte[] Signature)
{
    /// <summary>Equality by content.</summary>
    public bool Equals(CommitSignature? other) =>
        other is not null && Validator == other.Validator && Signature.AsSpan().SequenceEqual(other.Signature);

    /// <inheritdoc/>
    public override int GetHashCode() => Validator;
}

/// <summary>
/// Proof that block <paramref name="BlockHash"/> is final at <paramref name="Height"/>: precommits for it in
/// <paramref name="Round"/> from more than two thirds of the validators, each a signature over
/// <see cref="Vote.SigningBytes"/> for (Precommit, height, round, block hash). Ordered by validator index, no repeats.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.CommitCertificate")]
public sealed record CommitCertificate(
    [property: Id(0)] long Height,
    [property: Id(1)] int Round,
    [property: Id(2)] Hash32 BlockHash,
    [property: Id(3)] ImmutableArray<CommitSignature> Signatures)
{
    /// <summary>
    /// Null when the certificate proves finality against <paramref name="validators"/>; otherwise why not. Checks
    /// signer indexes (in range, strictly increasing) and every signature, and that more than two thirds signed.
    /// Never throws.
    /// </summary>
    public string? Verify(ValidatorSet validators, string chainId)
    {
        ArgumentNullException.ThrowIfNull(validators);
        if (Signatures.IsDefault)
        {
            return "no signatures";
        }

        var signing = Vote.SigningBytes(chainId, VoteType.Precommit, Height, Round, BlockHash);
        var previous = -1;
        foreach (var signature in Signatures)
        {
            if (signature.Validator <= previous || signature.Validator >= validators.Count)
            {
                return $"validator index {signature.Validator} is out of order or out of range";
            }

            if (signature.Signature is null || !SignatureMemo.Verify(validators.Members[signature.Validator], signing, signature.Signature))
            {
                return $"validator {signature.Validator}'s precommit signature is invalid";
            }

            previous = signature.Validator;
        }

        return Signatures.Length >= validators.Quorum
            ? null
            : $"{Signatures.Length} precommits, {validators.Quorum} needed";
    }

    /// <summary>Canonical bytes: height, round, block hash, count, then (index, signature) pairs.</summary>
    public void WriteTo(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.I64(Height).I32(Round).Hash(BlockHash).I32(Signatures.Length);
        foreach (var signature in Signatures)
        {
            writer.I32(signature.Validator).Raw(signature.Signature);
        }
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote.</summary>
    /// <exception cref="FormatException">Malformed bytes.</exception>
    public static CommitCertificate ReadFrom(ref CanonicalReader reader)
    {
        var height = reader.I64();
        var round = reader.I32();
        var hash = reader.Hash();
        var count = reader.Count(4 + 64);
        var signatures = ImmutableArray.CreateBuilder<CommitSignature>(count);
        for (var i = 0; i < count; i++)
        {
            signatures.Add(new CommitSignature(reader.I32(), reader.Raw(64).ToArray()));
        }

        return new CommitCertificate(height, round, hash, signatures.MoveToImmutable());
    }

    /// <summary>Equality by content.</summary>
    public bool Equals(CommitCertificate? other) =>
        other is not null && Height == other.Height && Round == other.Round && BlockHash == other.BlockHash
        && Signatures.AsSpan().SequenceEqual(other.Signatures.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Height, Round, BlockHash);
}
