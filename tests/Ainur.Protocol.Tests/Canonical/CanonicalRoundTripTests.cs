using Ainur.Protocol.Canonical;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Canonical.CanonicalSamples;

namespace Ainur.Protocol.Tests.Canonical;

public class CanonicalRoundTripTests
{
    [Fact]
    public void TxBody_EveryKind_RoundTrips()
    {
        foreach (var body in Bodies)
        {
            var bytes = new CanonicalWriter().Also(body.WriteTo).ToArray();
            var reader = new CanonicalReader(bytes);

            var copy = TxBody.ReadFrom(ref reader);

            Assert.True(reader.AtEnd, body.Kind.ToString());
            Assert.Equal(body, copy);
            Assert.Equal(bytes, new CanonicalWriter().Also(copy.WriteTo).ToArray());
        }
    }

    [Fact]
    public void SignedTransaction_EveryKind_RoundTripsWithIdAndValidSignature()
    {
        foreach (var transaction in Transactions)
        {
            var copy = SignedTransaction.Decode(transaction.Encoded.Span);

            Assert.Equal(transaction, copy);
            Assert.Equal(transaction.Body, copy.Body);
            Assert.Equal(transaction.Id, copy.Id);
            Assert.True(copy.VerifySignature(ChainId));
        }
    }

    [Fact]
    public void TransactionId_HashesTheBodyOnly()
    {
        var transaction = Transactions[0];
        var resigned = SignedTransaction.FromParts(transaction.Body, new byte[SignedTransaction.SignatureLength]);

        Assert.Equal(transaction.Id, resigned.Id);
        Assert.NotEqual(transaction, resigned);
    }

    [Fact]
    public void Header_RoundTripsAndHashesItsBytes()
    {
        var header = SampleBlock.Header;

        var copy = BlockHeader.Decode(header.Encode());

        Assert.Equal(header, copy);
        Assert.Equal(header.Hash, copy.Hash);
        Assert.NotEqual(header.Hash, (header with { TimeUnixMs = header.TimeUnixMs + 1 }).Hash);
    }

    [Fact]
    public void Block_RoundTripsWithItsTransactionsInOrder()
    {
        var block = SampleBlock;

        var copy = Block.Decode(block.Encode());

        Assert.Equal(block, copy);
        Assert.Equal(block.Transactions, copy.Transactions);
        Assert.True(copy.IsWellFormed);
        Assert.Equal(block.Encode(), copy.Encode());
    }

    [Fact]
    public void Certificate_RoundTrips()
    {
        var certificate = SampleCertificate;
        var bytes = new CanonicalWriter().Also(certificate.WriteTo).ToArray();
        var reader = new CanonicalReader(bytes);

        var copy = CommitCertificate.ReadFrom(ref reader);

        Assert.True(reader.AtEnd);
        Assert.Equal(certificate, copy);
    }
}

internal static class CanonicalWriterTestExtensions
{
    public static CanonicalWriter Also(this CanonicalWriter writer, Action<CanonicalWriter> write)
    {
        write(writer);
        return writer;
    }
}
