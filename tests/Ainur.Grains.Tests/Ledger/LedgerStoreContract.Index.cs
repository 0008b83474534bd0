using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Tests.Ledger;

/// <summary>The transaction index: lookups, progress, idempotency, order.</summary>
public abstract partial class LedgerStoreContract
{
    [Fact]
    public async Task IndexTransactions_InOrder_FindsEveryTransactionAtItsBlockAndPosition()
    {
        var blocks = new[] { _chain.Next(transfers: 4), _chain.Next(transfers: 0), _chain.Next(transfers: 3) };

        foreach (var block in blocks) await Store.IndexTransactionsAsync(ChainId, block.Block, Ct);

        foreach (var block in blocks)
        {
            for (var i = 0; i < block.Block.Transactions.Length; i++)
            {
                Assert.Equal(new TxLocation(block.Height, i), await Store.FindTransactionAsync(ChainId, block.Block.Transactions[i].Id, Ct));
            }
        }

        Assert.Equal(3, await Store.GetIndexedHeightAsync(ChainId, Ct));
        Assert.Null(await Store.FindTransactionAsync(ChainId, new Hash32(new byte[Hash32.Length]), Ct));
    }

    [Fact]
    public async Task IndexTransactions_SameBlockAgain_ChangesNothing()
    {
        var first = _chain.Next();
        var second = _chain.Next();
        await Store.IndexTransactionsAsync(ChainId, first.Block, Ct);
        await Store.IndexTransactionsAsync(ChainId, second.Block, Ct);

        await Store.IndexTransactionsAsync(ChainId, first.Block, Ct);
        await Store.IndexTransactionsAsync(ChainId, second.Block, Ct);

        Assert.Equal(2, await Store.GetIndexedHeightAsync(ChainId, Ct));
        Assert.Equal(new TxLocation(1, 2), await Store.FindTransactionAsync(ChainId, first.Block.Transactions[2].Id, Ct));
    }

    [Fact]
    public async Task IndexTransactions_AboveAGap_ThrowsAndIndexesNothing()
    {
        var first = _chain.Next();
        _chain.Next();
        var third = _chain.Next();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.IndexTransactionsAsync(ChainId, third.Block, Ct));
        await Store.IndexTransactionsAsync(ChainId, first.Block, Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.IndexTransactionsAsync(ChainId, third.Block, Ct));

        Assert.Equal(1, await Store.GetIndexedHeightAsync(ChainId, Ct));
        Assert.Null(await Store.FindTransactionAsync(ChainId, third.Block.Transactions[0].Id, Ct));
    }

    [Fact]
    public async Task IndexTransactions_OtherChain_SeesNothing()
    {
        using var other = new TestChain();
        var block = _chain.Next();
        await Store.IndexTransactionsAsync(ChainId, block.Block, Ct);

        Assert.Equal(0, await Store.GetIndexedHeightAsync(other.ChainId, Ct));
        Assert.Null(await Store.FindTransactionAsync(other.ChainId, block.Block.Transactions[0].Id, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.IndexTransactionsAsync(other.ChainId, block.Block, Ct));
    }
}
