using System.Collections.Immutable;
using Ainur.Protocol.Canonical;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// Canonical bytes of a list of signed votes (count, then per vote: type, height, round, optional block hash,
/// validator index, 64-byte signature), as a validator's signing guard stores its recent votes.
/// </summary>
public static class VoteCodec
{
    private const int SignatureLength = 64;

    /// <summary>Encodes <paramref name="votes"/>; default or empty gives a zero count.</summary>
    public static byte[] Encode(ImmutableArray<Vote> votes)
    {
        var list = votes.IsDefault ? [] : votes;
        var writer = new CanonicalWriter(4 + (list.Length * 128)).I32(list.Length);
        foreach (var vote in list)
        {
            if (vote.Signature is not { Length: SignatureLength })
            {
                throw new ArgumentException("A vote's signature is 64 bytes.", nameof(votes));
            }

            writer.U8((byte)vote.Type).I64(vote.Height).I32(vote.Round).OptionalHash(vote.BlockHash).I32(vote.Validator).Raw(vote.Signature);
        }

        return writer.ToArray();
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote.</summary>
    /// <exception cref="FormatException">Malformed bytes or an unknown vote type.</exception>
    public static ImmutableArray<Vote> Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        var count = reader.Count(1 + 8 + 4 + 1 + 4 + SignatureLength);
        var votes = ImmutableArray.CreateBuilder<Vote>(count);
        for (var i = 0; i < count; i++)
        {
            var type = (VoteType)reader.U8();
            if (type is not (VoteType.Prevote or VoteType.Precommit))
            {
                throw new FormatException($"Unknown vote type {(byte)type}.");
            }

            votes.Add(new Vote(type, reader.I64(), reader.I32(), reader.OptionalHash(), reader.I32(), reader.Raw(SignatureLength).ToArray()));
        }

        reader.EnsureEnd();
        return votes.MoveToImmutable();
    }
}
