using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Grains.Tests.Ledger;

/// <summary>Finalized blocks: round trip, idempotency, forks, gaps, ranges, races.</summary>
public abstract partial class LedgerStoreContract
{
    [Fact]
    public async Task SaveBlock_ThenGet_ReturnsEqualBlockAndCertificate()
    {
        var blocks = new[] { _chain.Next(), _chain.Next(transfers: 0), _chain.Next(transfers: 5) };
        foreach (var block in blocks) await Store.SaveBlockAsync(ChainId, 0, block, Ct);

        foreach (var block in blocks)
        {
            var stored = await Store.GetBlockAsync(ChainId, 0, block.Height, Ct);
            Assert.Equal(block, stored);
            Assert.Equal(block.Encode(), stored!.Encode());
            Assert.Null(stored.Verify(_chain.Validators, ChainId));
        }

        Assert.Null(await Store.GetBlockAsync(ChainId, 0, 4, Ct));
        Assert.Null(await Store.GetBlockAsync(ChainId, 0, 0, Ct));
        Assert.Null(await Store.GetBlockAsync(ChainId, 1, 1, Ct));
    }

    [Fact]
    public async Task SaveBlock_SameBlockAgain_SucceedsAndKeepsFirstCertificate()
    {
        var block = _chain.Next();
        await Store.SaveBlockAsync(ChainId, 0, block, Ct);
        var otherSigners = block with { Certificate = _chain.Certify(block.Block, 2, [1, 2, 3]) };

        await Store.SaveBlockAsync(ChainId, 0, block, Ct);
        await Store.SaveBlockAsync(ChainId, 0, otherSigners, Ct);

        Assert.Equal(1, await Store.GetLastHeightAsync(ChainId, 0, Ct));
        Assert.Equal(block, await Store.GetBlockAsync(ChainId, 0, 1, Ct));
    }

    [Fact]
    public async Task SaveBlock_DifferentBlockAtStoredHeight_ThrowsForkAndChangesNothing()
    {
        var first = _chain.Next();
        var second = _chain.Next();
        await Store.SaveBlockAsync(ChainId, 0, first, Ct);
        await Store.SaveBlockAsync(ChainId, 0, second, Ct);
        var fork = _chain.Sibling(first);

        var error = await Assert.ThrowsAsync<LedgerForkException>(() => Store.SaveBlockAsync(ChainId, 0, fork, Ct));

        Assert.Equal((ChainId, 0, 1L, first.Block.Hash, fork.Block.Hash),
            (error.ChainId, error.Validator, error.Height, error.StoredHash, error.OfferedHash));
        Assert.Equal(first, await Store.GetBlockAsync(ChainId, 0, 1, Ct));
        Assert.Equal(2, await Store.GetLastHeightAsync(ChainId, 0, Ct));
    }

    [Fact]
    public async Task SaveBlock_NotExtendingStoredBlockBelow_ThrowsForkAtHeightBelow()
    {
        var first = _chain.Next();
        await Store.SaveBlockAsync(ChainId, 0, first, Ct);
        var orphan = _chain.Make(2, _chain.Sibling(first).Block.Hash, transfers: 1, round: 0, variant: 0);

        var error = await Assert.ThrowsAsync<LedgerForkException>(() => Store.SaveBlockAsync(ChainId, 0, orphan, Ct));

        Assert.Equal((1L, first.Block.Hash, orphan.Block.Header.PreviousHash), (error.Height, error.StoredHash, error.OfferedHash));
        Assert.Equal(1, await Store.GetLastHeightAsync(ChainId, 0, Ct));
    }

    [Fact]
    public async Task SaveBlock_AboveAGap_ThrowsAndStoresNothing()
    {
        _chain.Next();
        var second = _chain.Next();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SaveBlockAsync(ChainId, 0, second, Ct));

        Assert.Equal(0, await Store.GetLastHeightAsync(ChainId, 0, Ct));
        Assert.Null(await Store.GetBlockAsync(ChainId, 0, 2, Ct));
    }

    [Fact]
    public async Task SaveBlock_BadArguments_ThrowArgumentExceptionAndStoreNothing()
    {
        var block = _chain.Next();
        var otherBlocksCertificate = block with { Certificate = _chain.Sibling(block).Certificate };
        var zeroHeight = _chain.Make(0, block.Block.Hash, transfers: 1, round: 0, variant: 0);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.SaveBlockAsync("another-chain", 0, block, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.SaveBlockAsync(ChainId, 0, otherBlocksCertificate, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.SaveBlockAsync(ChainId, 0, zeroHeight, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.SaveBlockAsync(ChainId, -1, block, Ct));

        Assert.Equal(0, await Store.GetLastHeightAsync(ChainId, 0, Ct));
        Assert.Equal(0, await Store.GetLastHeightAsync("another-chain", 0, Ct));
    }

    [Fact]
    public async Task SaveBlock_OtherValidatorsChain_IsSeparate()
    {
        var first = _chain.Next();
        await Store.SaveBlockAsync(ChainId, 0, first, Ct);
        await Store.SaveBlockAsync(ChainId, 0, _chain.Next(), Ct);

        await Store.SaveBlockAsync(ChainId, 3, first, Ct);

        Assert.Equal(2, await Store.GetLastHeightAsync(ChainId, 0, Ct));
        Assert.Equal(1, await Store.GetLastHeightAsync(ChainId, 3, Ct));
        Assert.Equal(0, await Store.GetLastHeightAsync(ChainId, 1, Ct));
    }

    [Fact]
    public async Task ReadBlocks_FromHeight_ReturnsEveryLaterBlockAscendingAcrossPages()
    {
        var saved = new List<FinalizedBlock>();
        for (var i = 0; i < 230; i++)
        {
            saved.Add(_chain.Next(transfers: 1));
            await Store.SaveBlockAsync(ChainId, 2, saved[^1], Ct);
        }

        Assert.Equal(saved, await Store.ReadBlocksAsync(ChainId, 2, 1, Ct).ToListAsync(Ct));
        Assert.Equal(saved[99..], await Store.ReadBlocksAsync(ChainId, 2, 100, Ct).ToListAsync(Ct));
        Assert.Equal(saved[^1..], await Store.ReadBlocksAsync(ChainId, 2, 230, Ct).ToListAsync(Ct));
        Assert.Empty(await Store.ReadBlocksAsync(ChainId, 2, 231, Ct).ToListAsync(Ct));
        Assert.Empty(await Store.ReadBlocksAsync(ChainId, 1, 1, Ct).ToListAsync(Ct));
        Assert.Equal(230, await Store.GetLastHeightAsync(ChainId, 2, Ct));
    }

    [Fact]
    public async Task GetLastHeight_NoBlocks_IsZero()
    {
        Assert.Equal(0, await Store.GetLastHeightAsync(ChainId, 0, Ct));
    }

    [Fact]
    public async Task SaveBlock_TwoDifferentBlocksRacingForOneHeight_ExactlyOneIsStored()
    {
        for (var i = 0; i < 25; i++)
        {
            var below = (await Store.GetBlockAsync(ChainId, 0, i, Ct))?.Block.Hash ?? default;
            var contenders = new[] { _chain.Make(i + 1, below, 2, 0, 0), _chain.Make(i + 1, below, 2, 0, 1) };

            var outcomes = await Task.WhenAll(contenders.Select(block => Task.Run(async () =>
            {
                try
                {
                    await Store.SaveBlockAsync(ChainId, 0, block, Ct);
                    return block;
                }
                catch (LedgerForkException)
                {
                    return null;
                }
            }, Ct)));

            var winner = Assert.Single(outcomes, o => o is not null);
            Assert.Equal(winner, await Store.GetBlockAsync(ChainId, 0, i + 1, Ct));
        }
    }

    [Fact]
    public async Task SaveBlock_SameBlockRacingWithItself_BothSucceed()
    {
        for (var i = 0; i < 25; i++)
        {
            var block = _chain.Next(transfers: 1);

            await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => Store.SaveBlockAsync(ChainId, 0, block, Ct), Ct)));

            Assert.Equal(block, await Store.GetBlockAsync(ChainId, 0, block.Height, Ct));
        }
    }
}
