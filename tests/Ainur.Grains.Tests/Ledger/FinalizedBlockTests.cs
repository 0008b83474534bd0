using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Ledger.Blocks;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Ainur.Grains.Tests.Ledger;

public sealed class FinalizedBlockTests : IDisposable
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private readonly TestChain _chain = new();

    [Fact]
    public void Encode_ThenDecode_GivesEqualBlockAndCertificate()
    {
        var block = _chain.Next(transfers: 5);

        var copy = FinalizedBlock.Decode(block.Encode());

        Assert.Equal(block, copy);
        Assert.Equal(block.Encode(), copy.Encode());
        Assert.Null(copy.Verify(_chain.Validators, _chain.ChainId));
    }

    [Fact]
    public void Encode_IsLengthPrefixedBlockThenCertificate()
    {
        var block = _chain.Next(transfers: 2);

        var expected = new CanonicalWriter().Bytes(block.Block.Encode()).Bytes(FinalizedBlock.EncodeCertificate(block.Certificate)).ToArray();

        Assert.Equal(expected, block.Encode());
    }

    [Fact]
    public void Decode_EveryTruncationAndTrailingByte_ThrowsFormatException()
    {
        var bytes = _chain.Next(transfers: 1).Encode();

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => FinalizedBlock.Decode(bytes.AsSpan(0, length)));
        }

        Assert.Throws<FormatException>(() => FinalizedBlock.Decode([.. bytes, 0]));
    }

    [Fact]
    public void Verify_BrokenPairs_SayWhy()
    {
        var block = _chain.Next(transfers: 3);
        var sibling = _chain.Sibling(block);
        var tamperedTransactions = new Block(block.Block.Header, sibling.Block.Transactions);
        var badSignature = block.Certificate with
        {
            Signatures = [.. block.Certificate.Signatures.Select((s, i) => i == 1 ? s with { Signature = sibling.Certificate.Signatures[1].Signature } : s)],
        };

        Assert.Null(block.Verify(_chain.Validators, _chain.ChainId));
        Assert.Contains("chain", block.Verify(_chain.Validators, "another-chain"));
        Assert.Contains("Merkle", (block with { Block = tamperedTransactions }).Verify(_chain.Validators, _chain.ChainId));
        Assert.Contains("certificate is for", (block with { Certificate = sibling.Certificate }).Verify(_chain.Validators, _chain.ChainId));
        Assert.Contains("signature", (block with { Certificate = badSignature }).Verify(_chain.Validators, _chain.ChainId));
        Assert.Contains("needed", (block with { Certificate = _chain.Certify(block.Block, 0, [0, 1]) }).Verify(_chain.Validators, _chain.ChainId));
    }

    [Fact]
    public void OrleansSerializer_RoundTripsLedgerStoreTypes()
    {
        var block = _chain.Next(transfers: 2);
        var fork = new LedgerForkException("chain", 2, 9, block.Block.Hash, block.Block.Header.TxRoot);

        Assert.Equal(block, Serializer.Deserialize<FinalizedBlock>(Serializer.SerializeToArray(block)));
        Assert.Equal(new TxLocation(7, 3), Serializer.Deserialize<TxLocation>(Serializer.SerializeToArray(new TxLocation(7, 3))));
        var forkCopy = Serializer.Deserialize<LedgerForkException>(Serializer.SerializeToArray(fork))!;
        Assert.Equal((fork.Message, fork.ChainId, fork.Validator, fork.Height, fork.StoredHash, fork.OfferedHash),
            (forkCopy.Message, forkCopy.ChainId, forkCopy.Validator, forkCopy.Height, forkCopy.StoredHash, forkCopy.OfferedHash));
    }

    public void Dispose() => _chain.Dispose();
}
