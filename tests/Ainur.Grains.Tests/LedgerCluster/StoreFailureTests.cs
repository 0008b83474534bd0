using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger;
using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Silo.Hosting;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>
/// Database writes that fail (sometimes after taking effect) must neither stop the chain nor let a validator send a
/// message its guard does not cover: each failed step is retried, each failed block save too. Reads that fail on the
/// way to the ledger must not lose what was sent through it.
/// </summary>
public sealed class StoreFailureTests
{
    [Fact]
    public async Task GuardAndBlockWritesFailingNowAndThen_ChainStillFinalizes_NoValidatorEquivocates_NoFork()
    {
        var ct = TestContext.Current.CancellationToken;
        using var payer = AgentKey.Generate();
        await using var node = await FlakyNode.StartAsync(payer, failEvery: 5, ct);
        var (grains, chainId, flaky) = (node.Grains, node.ChainId, node.Store);
        var mempool = grains.GetGrain<IMempoolGrain>(0);
        // Waves, so that many heights pass and every validator meets failing writes.
        for (var wave = 0; wave < 12; wave++)
        {
            var transfers = Enumerable.Range(1, 3)
                .Select(n => SignedTransaction.Sign(new Transfer(payer.Did, AgentKey.Generate().Did, 1, (wave * 10) + n), payer, chainId))
                .ToList();
            var statuses = await Task.WhenAll(transfers.Select(async t =>
            {
                await mempool.SubmitAsync(t);
                return await mempool.WaitAsync(t.Id, TimeSpan.FromSeconds(30));
            }));
            Assert.All(statuses, s => Assert.Equal(TxState.Final, s.State));
        }

        Assert.True(flaky.Failures >= 8, $"only {flaky.Failures} writes failed: too few to test anything");

        // Every validator, not just a quorum, went on through the failures to the head.
        var head = (await mempool.GetHeadAsync()).Height;
        var validators = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => grains.GetGrain<IValidatorGrain>(i).GetStatusAsync()));
        for (var attempt = 0; attempt < 100 && validators.Any(v => v.FinalizedHeight < head); attempt++)
        {
            await Task.Delay(100, ct);
            validators = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => grains.GetGrain<IValidatorGrain>(i).GetStatusAsync()));
        }

        Assert.All(validators, v => Assert.True(v.FinalizedHeight >= head, $"validator {v.Index} is at {v.FinalizedHeight}, the head at {head}"));
        Assert.All(validators, v => Assert.Equal(0, v.Equivocations));
        var store = new PostgresLedgerStore(node.Services.GetRequiredService<NpgsqlDataSource>());
        var heads = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => store.GetLastHeightAsync(chainId, i, ct)));
        for (var height = 1L; height <= heads.Min(); height++)
        {
            var copies = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => store.GetBlockAsync(chainId, i, height, ct)));
            Assert.Single(copies.Select(c => c!.Block.Hash).Distinct());
        }
    }

    [Fact]
    public async Task PoolCallsFailingWhileAUnitIsSent_TheOrchestratorSendsItAgain_AndItsCallerHearsItFinal()
    {
        var ct = TestContext.Current.CancellationToken;
        using var owner = AgentKey.Generate();
        await using var node = await FlakyNode.StartAsync(owner, failEvery: int.MaxValue, ct);
        var (grains, chainId) = (node.Grains, node.ChainId);
        var mempool = grains.GetGrain<IMempoolGrain>(0);
        var open = new BudgetOpen(owner.Did, 1, 1_000, 10_000);
        var opening = SignedTransaction.Sign(open, owner, chainId);
        await mempool.SubmitAsync(opening);
        Assert.Equal(TxState.Final, (await mempool.WaitAsync(opening.Id, TimeSpan.FromSeconds(30))).State);

        // The orchestrator's first sends fail at the pool, the way they did while PostgreSQL restarted (the pool reads
        // the database for a transaction it does not hold).
        var taskId = Blake2b.Content(Guid.NewGuid().ToByteArray());
        var voucher = new Voucher(open.BudgetId, taskId, 10).Sign(owner, chainId);
        node.FailNextPoolCalls(3);
        var outcome = await grains.GetGrain<IOrchestratorGrain>(0)
            .ExecuteAsync([new VoucherSettle(open.BudgetId, taskId, 10, voucher, owner.Did, 9, 1)])
            .WaitAsync(TimeSpan.FromSeconds(25), ct);

        Assert.True(outcome.Final, outcome.Reason);
        Assert.Equal(0, node.PoolCallsToFail);
        var query = grains.GetGrain<ILedgerQueryGrain>(0);
        Assert.Equal(10, (await query.GetBudgetAsync(open.BudgetId)).Budget!.Spent);
    }
}
