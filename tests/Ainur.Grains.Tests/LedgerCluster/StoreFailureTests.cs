using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger;
using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Identity;
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
/// message its guard does not cover: each failed step is retried, each failed block save too.
/// </summary>
public sealed class StoreFailureTests
{
    [Fact]
    public async Task GuardAndBlockWritesFailingNowAndThen_ChainStillFinalizes_NoValidatorEquivocates_NoFork()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        using var payer = AgentKey.Generate();
        var settings = NodeSettings.Standalone(database.ConnectionString, database.Name).With(new Dictionary<string, string?>
        {
            ["Ainur:Ledger:Allocations:0:Account"] = payer.Did.Value,
            ["Ainur:Ledger:Allocations:0:Amount"] = "1000000",
        });
        FlakyLedgerStore? flaky = null;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo =>
        {
            silo.Services.AddSingleton<ILedgerStore>(services =>
                flaky = new FlakyLedgerStore(new PostgresLedgerStore(services.GetRequiredService<NpgsqlDataSource>()), failEvery: 5));
            silo.AddAinurSilo(builder.Configuration);
        });
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var chainId = host.Services.GetRequiredService<LedgerSettings>().ChainId;
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

            Assert.True(flaky!.Failures >= 8, $"only {flaky.Failures} writes failed: too few to test anything");

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
            var store = new PostgresLedgerStore(host.Services.GetRequiredService<NpgsqlDataSource>());
            var heads = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => store.GetLastHeightAsync(chainId, i, ct)));
            for (var height = 1L; height <= heads.Min(); height++)
            {
                var copies = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => store.GetBlockAsync(chainId, i, height, ct)));
                Assert.Single(copies.Select(c => c!.Block.Hash).Distinct());
            }
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
