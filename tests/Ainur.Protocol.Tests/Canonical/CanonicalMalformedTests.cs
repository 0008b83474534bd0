using System.Buffers.Binary;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Transactions;
using CsCheck;
using static Ainur.Protocol.Tests.Canonical.CanonicalSamples;

namespace Ainur.Protocol.Tests.Canonical;

/// <summary>Decoders of untrusted bytes throw FormatException and nothing else, and accept only canonical bytes.</summary>
public class CanonicalMalformedTests
{
    public static TheoryData<string> Kinds => ["transaction", "header", "block", "certificate"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Decode_EveryTruncation_ThrowsFormatException(string kind)
    {
        var bytes = Encode(kind);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => Decode(kind, bytes[..length]));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Decode_TrailingByte_ThrowsFormatException(string kind) =>
        Assert.Throws<FormatException>(() => Decode(kind, [.. Encode(kind), 0]));

    [Fact]
    public void Decode_OversizedLengthsAndCounts_ThrowFormatException()
    {
        var header = SampleBlock.Header.Encode();
        var block = SampleBlock.Encode();
        var certificate = Encode("certificate");
        var batch = Transactions[^1].Encoded.ToArray();

        Assert.Throws<FormatException>(() => BlockHeader.Decode(WithI32(header, 0, CanonicalReader.MaxLength + 1)));
        Assert.Throws<FormatException>(() => BlockHeader.Decode(WithI32(header, 0, -1)));
        Assert.Throws<FormatException>(() => BlockHeader.Decode(WithI32(header, 0, int.MaxValue)));
        Assert.Throws<FormatException>(() => Block.Decode(WithI32(block, header.Length, int.MaxValue)));
        Assert.Throws<FormatException>(() => Block.Decode(WithI32(block, header.Length, -1)));
        Assert.Throws<FormatException>(() => Block.Decode(WithI32(block, header.Length, Transactions.Length + 1)));
        Assert.Throws<FormatException>(() => Decode("certificate", WithI32(certificate, 8 + 4 + 32, 1_000_000)));

        // Batch: kind byte, orchestrator key, sequence, then the operation count.
        Assert.Throws<FormatException>(() => SignedTransaction.Decode(WithI32(batch, 1 + 32 + 8, int.MaxValue)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(255)]
    public void Decode_UnknownTransactionKind_ThrowsFormatException(byte kind)
    {
        var bytes = Transactions[0].Encoded.ToArray();
        bytes[0] = kind;

        Assert.Throws<FormatException>(() => SignedTransaction.Decode(bytes));
    }

    [Fact]
    public void Decode_UnknownOperationKind_ThrowsFormatException()
    {
        var bytes = Transactions[^1].Encoded.ToArray();
        bytes[1 + 32 + 8 + 4] = 9;

        Assert.Throws<FormatException>(() => SignedTransaction.Decode(bytes));
    }

    [Fact]
    public void Decode_NonUtf8ChainId_ThrowsFormatException()
    {
        var header = SampleBlock.Header.Encode();
        header[4] = 0xff;

        Assert.Throws<FormatException>(() => BlockHeader.Decode(header));
    }

    // Mutations of valid encodings: a FormatException, or a value that re-encodes to exactly the mutated bytes.
    [Theory]
    [MemberData(nameof(Kinds))]
    public void Decode_MutatedBytes_FailsCleanlyOrIsCanonical(string kind)
    {
        var valid = Encode(kind);
        Gen.Select(Gen.Int[0, valid.Length - 1].Array[1, 4], Gen.Byte.Array[4]).Sample((positions, values) =>
        {
            var bytes = (byte[])valid.Clone();
            for (var i = 0; i < positions.Length; i++)
            {
                bytes[positions[i]] = values[i];
            }

            AssertFailsCleanlyOrIsCanonical(kind, bytes);
        }, iter: 400);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Decode_RandomBytes_FailsCleanlyOrIsCanonical(string kind) =>
        Gen.Byte.Array[0, 400].Sample(bytes => AssertFailsCleanlyOrIsCanonical(kind, bytes), iter: 400);

    private static void AssertFailsCleanlyOrIsCanonical(string kind, byte[] bytes)
    {
        byte[] reencoded;
        try
        {
            reencoded = Reencode(kind, bytes);
        }
        catch (FormatException)
        {
            return;
        }

        Assert.Equal(bytes, reencoded);
    }

    private static byte[] WithI32(byte[] bytes, int offset, int value)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(offset), value);
        return copy;
    }

    private static byte[] Encode(string kind) => kind switch
    {
        "transaction" => Transactions[^1].Encoded.ToArray(),
        "header" => SampleBlock.Header.Encode(),
        "block" => SampleBlock.Encode(),
        _ => new CanonicalWriter().Also(SampleCertificate.WriteTo).ToArray(),
    };

    private static object Decode(string kind, byte[] bytes) => kind switch
    {
        "transaction" => SignedTransaction.Decode(bytes),
        "header" => BlockHeader.Decode(bytes),
        "block" => Block.Decode(bytes),
        _ => DecodeCertificate(bytes),
    };

    private static byte[] Reencode(string kind, byte[] bytes) => Decode(kind, bytes) switch
    {
        SignedTransaction transaction => transaction.Encoded.ToArray(),
        BlockHeader header => header.Encode(),
        Block block => block.Encode(),
        var certificate => new CanonicalWriter().Also(((CommitCertificate)certificate).WriteTo).ToArray(),
    };

    private static CommitCertificate DecodeCertificate(byte[] bytes)
    {
        var reader = new CanonicalReader(bytes);
        var certificate = CommitCertificate.ReadFrom(ref reader);
        reader.EnsureEnd();
        return certificate;
    }
}
