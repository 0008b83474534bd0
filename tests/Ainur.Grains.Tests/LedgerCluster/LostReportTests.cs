using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>
/// A validator's report of a finalized block to the mempool is best effort (it gives up after a short wait, so a pool on
/// a frozen silo cannot hold up its votes). The blocks are stored before they are reported: a pool that heard of none
/// of them must still tell each waiting caller "final", never "rejected" as a replay of itself.
/// </summary>
public sealed class LostReportTests
{
    [Fact]
    public async Task EveryReportOfABlockLost_ThePoolTakesItFromTheStoredBlocks_AndItsTransactionsAreFinal()
    {
        var ct = TestContext.Current.CancellationToken;
        using var payer = AgentKey.Generate();
        await using var node = await FlakyNode.StartAsync(payer, failEvery: int.MaxValue, ct);
        var mempool = node.Grains.GetGrain<IMempoolGrain>(0);
        var before = (await mempool.GetHeadAsync()).Height;

        node.DropReports = true;
        var transfers = Enumerable.Range(1, 3)
            .Select(n => SignedTransaction.Sign(new Transfer(payer.Did, AgentKey.Generate().Did, 1, n), payer, node.ChainId))
            .ToList();
        var statuses = await Task.WhenAll(transfers.Select(async t =>
        {
            Assert.Equal(SubmitStatus.Accepted, (await mempool.SubmitAsync(t)).Status);
            return await mempool.WaitAsync(t.Id, TimeSpan.FromSeconds(20));
        }));

        Assert.All(statuses, s => Assert.Equal(TxState.Final, s.State));
        Assert.True(node.DropReports, "reports were dropped throughout");
        var query = node.Grains.GetGrain<ILedgerQueryGrain>(0);
        Assert.Equal(3, (await query.GetAccountAsync(payer.Did)).Account.Nonce);
        Assert.True((await mempool.GetHeadAsync()).Height > before);
    }
}
