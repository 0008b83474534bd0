using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Hashing;
using Npgsql;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>Reads what every validator stored, straight from PostgreSQL, to check the chain the way an auditor would.</summary>
internal static class LedgerChain
{
    /// <summary>Block hash by height, for each validator.</summary>
    public static async Task<Dictionary<int, Dictionary<long, Hash32>>> StoredHashesAsync(LedgerClusterFixture fixture, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        var store = new PostgresLedgerStore(dataSource);
        var chains = new Dictionary<int, Dictionary<long, Hash32>>();
        for (var validator = 0; validator < 4; validator++)
        {
            var chain = new Dictionary<long, Hash32>();
            await foreach (var block in store.ReadBlocksAsync(fixture.Secrets.ChainId, validator, 1, ct))
            {
                chain[block.Block.Height] = block.Block.Hash;
            }

            chains[validator] = chain;
        }

        return chains;
    }

    /// <summary>Fails unless all validators agree on every height any of them stored, and every stored chain is gapless from 1.</summary>
    public static void AssertNoFork(Dictionary<int, Dictionary<long, Hash32>> chains)
    {
        var byHeight = new Dictionary<long, Hash32>();
        foreach (var (validator, chain) in chains)
        {
            Assert.True(chain.Keys.Order().SequenceEqual(Enumerable.Range(1, chain.Count).Select(h => (long)h)), $"validator {validator} has a gap");
            foreach (var (height, hash) in chain)
            {
                if (byHeight.TryGetValue(height, out var other))
                {
                    Assert.True(other == hash, $"fork at height {height}: validator {validator} stored {hash}, another {other}");
                }
                else
                {
                    byHeight[height] = hash;
                }
            }
        }
    }

    /// <summary>Fails if a block stored before changed since (or vanished).</summary>
    public static void AssertUnchanged(Dictionary<int, Dictionary<long, Hash32>> before, Dictionary<int, Dictionary<long, Hash32>> after)
    {
        foreach (var (validator, chain) in before)
        {
            foreach (var (height, hash) in chain)
            {
                Assert.True(after[validator].TryGetValue(height, out var now) && now == hash, $"validator {validator}'s block {height} changed");
            }
        }
    }

    /// <summary>Waits until the validators are spread over <paramref name="silos"/> silos (placement settles after silos join).</summary>
    public static async Task<ValidatorStatus[]> WaitForSpreadAsync(LedgerClusterFixture fixture, int silos, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var statuses = await StatusesAsync(fixture);
            if (statuses.Select(s => s.Silo).Distinct().Count() == silos && statuses.All(s => s.Online) || DateTimeOffset.UtcNow > deadline)
            {
                return statuses;
            }

            await Task.Delay(200, ct);
        }
    }

    /// <summary>Every validator's status; an unreachable one fails the test.</summary>
    public static Task<ValidatorStatus[]> StatusesAsync(LedgerClusterFixture fixture) =>
        Task.WhenAll(Enumerable.Range(0, 4).Select(i => fixture.Validator(i).GetStatusAsync()));
}
