using Ainur.Protocol.Canonical;
using Ainur.Protocol.Consensus;
using Orleans;

namespace Ainur.Protocol.Ledger.Blocks;

/// <summary>
/// A block with the commit certificate that makes it final: the unit a validator stores, serves to a peer catching
/// up, and a payment proof points into. Nothing is checked on construction or decoding; <see cref="Verify"/> says
/// whether the pair proves finality against a validator set.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.FinalizedBlock")]
public sealed record FinalizedBlock([property: Id(0)] Block Block, [property: Id(1)] CommitCertificate Certificate)
{
    /// <summary>Height shortcut.</summary>
    public long Height => Block.Height;

    /// <summary>True when the certificate names this block: same height and block hash. Says nothing about signatures.</summary>
    public bool CertificateMatchesBlock => Certificate.Height == Block.Height && Certificate.BlockHash == Block.Hash;

    /// <summary>
    /// Null when this is a final block of chain <paramref name="chainId"/> under <paramref name="validators"/>: the
    /// header names the chain, the header's transaction count and Merkle root match the transactions, the certificate
    /// names this block, and more than two thirds of the validators signed it. Otherwise why not. Never throws.
    /// </summary>
    public string? Verify(ValidatorSet validators, string chainId)
    {
        ArgumentNullException.ThrowIfNull(validators);
        if (Block.Header.ChainId != chainId)
        {
            return $"block is for chain '{Block.Header.ChainId}', not '{chainId}'";
        }

        if (!Block.IsWellFormed)
        {
            return "block header's transaction count or Merkle root does not match its transactions";
        }

        if (!CertificateMatchesBlock)
        {
            return $"certificate is for block {Certificate.BlockHash} at height {Certificate.Height}, not {Block.Hash} at {Block.Height}";
        }

        return Certificate.Verify(validators, chainId);
    }

    /// <summary>Canonical bytes: the block's <see cref="Blocks.Block.Encode"/> bytes, then the certificate's, each length-prefixed.</summary>
    public byte[] Encode()
    {
        var block = Block.Encode();
        var writer = new CanonicalWriter(block.Length + 64 + (Certificate.Signatures.Length * 68) + 64);
        writer.Bytes(block).Bytes(EncodeCertificate(Certificate));
        return writer.ToArray();
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote; each part must be exactly its length.</summary>
    /// <exception cref="FormatException">Malformed bytes.</exception>
    public static FinalizedBlock Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        var block = Block.Decode(reader.Bytes());
        var certificate = DecodeCertificate(reader.Bytes());
        reader.EnsureEnd();
        return new FinalizedBlock(block, certificate);
    }

    /// <summary>A certificate's canonical bytes (<see cref="CommitCertificate.WriteTo"/>) on their own, as stored beside a block.</summary>
    public static byte[] EncodeCertificate(CommitCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var writer = new CanonicalWriter(48 + (certificate.Signatures.Length * 68));
        certificate.WriteTo(writer);
        return writer.ToArray();
    }

    /// <summary>Decodes exactly one certificate written by <see cref="EncodeCertificate"/>.</summary>
    /// <exception cref="FormatException">Malformed bytes.</exception>
    public static CommitCertificate DecodeCertificate(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        var certificate = CommitCertificate.ReadFrom(ref reader);
        reader.EnsureEnd();
        return certificate;
    }
}
