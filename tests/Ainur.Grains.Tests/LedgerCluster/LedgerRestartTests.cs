using System.Globalization;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger;
using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>A node stopped and started again on the same database has the same chain and balances, and goes on from there.</summary>
public sealed class LedgerRestartTests
{
    [Fact]
    public async Task Restart_OnTheSameDatabase_KeepsChainAndBalances_AndContinues()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        using var payer = AgentKey.Generate();
        var payees = Enumerable.Range(0, 5).Select(_ => AgentKey.Generate().Did).ToArray();
        var settings = NodeSettings.Standalone(database.ConnectionString, database.Name).With(new Dictionary<string, string?>
        {
            ["Ainur:Ledger:Allocations:0:Account"] = payer.Did.Value,
            ["Ainur:Ledger:Allocations:0:Amount"] = "1000000",
        });

        var firstHeight = 0L;
        var (chain, balances) = await WithNodeAsync(settings, async (grains, ledger) =>
        {
            for (var i = 0; i < payees.Length; i++)
            {
                var transfer = SignedTransaction.Sign(new Transfer(payer.Did, payees[i], 100 + i, i + 1), payer, ledger.ChainId);
                var final = await SubmitFinalAsync(grains, transfer, ct);
                firstHeight = i == 0 ? final.Height : firstHeight;
            }

            return (await ChainAsync(grains), await BalancesAsync(grains, payees.Append(payer.Did)));
        });

        Assert.Equal(1_000_000 - payees.Select((_, i) => 100L + i).Sum(), balances[payer.Did]);

        var (chainAfter, balancesAfter) = await WithNodeAsync(settings, async (grains, ledger) =>
        {
            var reloaded = (await ChainAsync(grains), await BalancesAsync(grains, payees.Append(payer.Did)));
            var next = SignedTransaction.Sign(new Transfer(payer.Did, payees[0], 1, payees.Length + 1), payer, ledger.ChainId);
            await SubmitFinalAsync(grains, next, ct);
            var mempool = grains.GetGrain<IMempoolGrain>(0);

            // The very first transfer again, byte for byte: it is already final, and says so.
            var resubmitted = SignedTransaction.Sign(new Transfer(payer.Did, payees[0], 100, 1), payer, ledger.ChainId);
            await mempool.SubmitAsync(resubmitted);
            var again = await mempool.WaitAsync(resubmitted.Id, TimeSpan.FromSeconds(10));
            Assert.Equal(TxState.Final, again.State);
            Assert.Equal(firstHeight, again.Height);

            // Another transfer under a used nonce is a replay: refused, nothing moves.
            var replay = SignedTransaction.Sign(new Transfer(payer.Did, payees[1], 5, 1), payer, ledger.ChainId);
            await mempool.SubmitAsync(replay);
            var refused = await mempool.WaitAsync(replay.Id, TimeSpan.FromSeconds(10));
            Assert.Equal(TxState.Rejected, refused.State);
            Assert.Equal(TxRejectionCodes.NonceNotIncreasing, refused.Rejection?.Code);
            return reloaded;
        });

        Assert.Equal(chain, chainAfter);
        Assert.Equal(balances, balancesAfter);
    }

    [Fact]
    public async Task Restart_FromASnapshot_AndFromACorruptedOne_GivesTheSameChainAndBalances()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        using var payer = AgentKey.Generate();
        var payees = Enumerable.Range(0, 6).Select(_ => AgentKey.Generate().Did).ToArray();
        var settings = NodeSettings.Standalone(database.ConnectionString, database.Name).With(new Dictionary<string, string?>
        {
            ["Ainur:Ledger:Allocations:0:Account"] = payer.Did.Value,
            ["Ainur:Ledger:Allocations:0:Amount"] = "1000000",
            ["Ainur:Ledger:SnapshotEveryBlocks"] = "2",
        });
        var accounts = payees.Append(payer.Did).ToArray();

        var (chain, balances) = await WithNodeAsync(settings, async (grains, ledger) =>
        {
            for (var i = 0; i < payees.Length; i++)
            {
                await SubmitFinalAsync(grains, SignedTransaction.Sign(new Transfer(payer.Did, payees[i], 10 + i, i + 1), payer, ledger.ChainId), ct);
            }

            return (await ChainAsync(grains), await BalancesAsync(grains, accounts));
        });

        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
        {
            var snapshot = await new PostgresLedgerStore(dataSource).LoadSnapshotAsync(Ainur.Silo.Ledger.LedgerSetup.DevelopmentChainId, 0, ct);
            Assert.True(snapshot is { Height: >= 2 }, "no snapshot was taken");
        }

        var fromSnapshot = await WithNodeAsync(settings, async (grains, _) => (await ChainAsync(grains), await BalancesAsync(grains, accounts)));
        Assert.Equal(chain, fromSnapshot.Item1);
        Assert.Equal(balances, fromSnapshot.Item2);

        await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var corrupt = new Npgsql.NpgsqlCommand("update ainur_ledger_snapshots set state = overlay(state placing '\\xff'::bytea from 40)", connection);
            Assert.True(await corrupt.ExecuteNonQueryAsync(ct) > 0);
        }

        var fromGenesis = await WithNodeAsync(settings, async (grains, ledger) =>
        {
            var reloaded = (await ChainAsync(grains), await BalancesAsync(grains, accounts));
            await SubmitFinalAsync(grains, SignedTransaction.Sign(new Transfer(payer.Did, payees[0], 1, 100), payer, ledger.ChainId), ct);
            return reloaded;
        });
        Assert.Equal(chain, fromGenesis.Item1);
        Assert.Equal(balances, fromGenesis.Item2);
    }

    private static async Task<T> WithNodeAsync<T>(IDictionary<string, string?> settings, Func<IGrainFactory, LedgerSettings, Task<T>> body)
    {
        var host = await InProcessGateway.StartSiloAsync(settings);
        try
        {
            return await body(host.Services.GetRequiredService<IGrainFactory>(), host.Services.GetRequiredService<LedgerSettings>());
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static async Task<TxStatus> SubmitFinalAsync(IGrainFactory grains, SignedTransaction transaction, CancellationToken ct)
    {
        var mempool = grains.GetGrain<IMempoolGrain>(0);
        await mempool.SubmitAsync(transaction);
        var status = await mempool.WaitAsync(transaction.Id, TimeSpan.FromSeconds(30)).WaitAsync(ct);
        Assert.Equal(TxState.Final, status.State);
        return status;
    }

    // The chain as block hashes by height, read through the query grain (the validators' stored copies).
    private static async Task<List<string>> ChainAsync(IGrainFactory grains)
    {
        var query = grains.GetGrain<ILedgerQueryGrain>(0);
        var head = (await query.GetAccountAsync(AgentKey.Generate().Did)).Height;
        var hashes = new List<string>();
        for (var height = 1L; height <= head; height++)
        {
            var block = await query.GetBlockAsync(height) ?? throw new InvalidOperationException($"No block {height} below head {head}.");
            hashes.Add(string.Create(CultureInfo.InvariantCulture, $"{height}:{block.Block.Hash}"));
        }

        Assert.NotEmpty(hashes);
        return hashes;
    }

    private static async Task<Dictionary<Did, long>> BalancesAsync(IGrainFactory grains, IEnumerable<Did> accounts)
    {
        var query = grains.GetGrain<ILedgerQueryGrain>(0);
        var balances = new Dictionary<Did, long>();
        foreach (var account in accounts)
        {
            balances[account] = (await query.GetAccountAsync(account)).Account.Balance;
        }

        return balances;
    }
}
