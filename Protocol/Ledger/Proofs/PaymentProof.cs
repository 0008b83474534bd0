using Ainur.Protocol.Canonical;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Merkle;
using Orleans;

namespace Ainur.Protocol.Ledger.Proofs;

/// <summary>
/// Everything needed to prove offline that a transaction is final: the transaction, the Merkle path from its leaf to
/// the block's transaction root, the block header, and the commit certificate over the header's hash. Checking it
/// needs only the validator set's public keys and costs O(log n) hashes plus one signature check per certificate signer.
/// Because a final block holds only transactions valid in order against the state before it, a valid proof means the
/// transaction was applied.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.PaymentProof")]
public sealed record PaymentProof(
    [property: Id(0)] SignedTransaction Transaction,
    [property: Id(1)] MerkleProof Path,
    [property: Id(2)] BlockHeader Header,
    [property: Id(3)] CommitCertificate Certificate)
{
    private const string Magic = "ainur-proof/1";

    /// <summary>Builds the proof of transaction <paramref name="position"/> of a finalized block.</summary>
    public static PaymentProof For(FinalizedBlock finalized, int position)
    {
        ArgumentNullException.ThrowIfNull(finalized);
        return new(finalized.Block.Transactions[position], finalized.Block.Prove(position), finalized.Block.Header, finalized.Certificate);
    }

    /// <summary>
    /// Null when the proof holds against <paramref name="validators"/> for chain <paramref name="chainId"/>; otherwise
    /// the first reason it does not, in words. Never throws.
    /// </summary>
    public string? Verify(ValidatorSet validators, string chainId)
    {
        ArgumentNullException.ThrowIfNull(validators);
        if (Header.ChainId != chainId)
        {
            return $"the block belongs to chain '{Header.ChainId}', not '{chainId}'";
        }

        if (!Transaction.VerifySignature(chainId))
        {
            return "the transaction's signature is invalid";
        }

        if (Path.Size != Header.TxCount || !Path.Verify(Transaction.Encoded.Span, Header.TxRoot))
        {
            return "the Merkle path does not lead from the transaction to the block's transaction root";
        }

        var blockHash = Header.Hash;
        if (Certificate.BlockHash != blockHash || Certificate.Height != Header.Height)
        {
            return "the commit certificate is for another block";
        }

        return Certificate.Verify(validators, chainId) is { } problem ? $"the commit certificate is invalid: {problem}" : null;
    }

    /// <summary>Canonical bytes (what <c>ainur verify</c> reads): a magic string, then the four parts.</summary>
    public byte[] Encode()
    {
        var writer = new CanonicalWriter(1024).Text(Magic);
        writer.Bytes(Transaction.Encoded.Span);
        Path.WriteTo(writer);
        Header.WriteTo(writer);
        Certificate.WriteTo(writer);
        return writer.ToArray();
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote.</summary>
    /// <exception cref="FormatException">Not a proof, or malformed.</exception>
    public static PaymentProof Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        if (reader.Text() != Magic)
        {
            throw new FormatException("Not an Ainur payment proof.");
        }

        var transaction = SignedTransaction.Decode(reader.Bytes());
        var path = MerkleProof.ReadFrom(ref reader);
        var header = BlockHeader.ReadFrom(ref reader);
        var certificate = CommitCertificate.ReadFrom(ref reader);
        reader.EnsureEnd();
        return new PaymentProof(transaction, path, header, certificate);
    }
}
