using Ainur.Grains.Tests.Cluster;
using Ainur.Silo.Hosting;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Npgsql;

namespace Ainur.Grains.Tests.Storage.GroupCommit;

/// <summary>The hot-path stores as <c>AddAinurSilo</c> wires them: group-committed on PostgreSQL, in memory otherwise.</summary>
public sealed class GroupCommitClusterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Grain_OnTheTasksStore_KeepsItsStateAcrossAClusterRestart_InAinurGrainState()
    {
        await using var database = await TestDatabase.CreateAsync(Ct);
        var clusterId = $"group-commit-{Guid.NewGuid():N}";
        var options = Options(clusterId, AinurStorage.Postgres, database.ConnectionString);
        var key = $"counter-{Guid.NewGuid():N}";

        var first = await PostgresTestCluster.DeployAsync(clusterId, options, silos: 1);
        try
        {
            var grain = first.Client.GetGrain<IStoredCounterGrain>(key);
            for (var i = 0; i < 3; i++)
            {
                await grain.IncrementAsync();
            }
        }
        finally
        {
            await first.StopAllSilosAsync(Ct);
            await first.DisposeAsync();
        }

        Assert.Equal(3, await StoredVersionAsync(database, clusterId, key));

        var second = await PostgresTestCluster.DeployAsync(clusterId, options, silos: 1);
        try
        {
            var grain = second.Client.GetGrain<IStoredCounterGrain>(key);
            Assert.Equal(3, await grain.GetAsync());
            Assert.Equal(4, await grain.IncrementAsync());
        }
        finally
        {
            await second.StopAllSilosAsync(Ct);
            await second.DisposeAsync();
        }

        Assert.Equal(4, await StoredVersionAsync(database, clusterId, key));
    }

    [Fact]
    public async Task Grain_OnTheTasksStore_InMemoryMode_StoresItsState()
    {
        var clusterId = $"group-commit-memory-{Guid.NewGuid():N}";
        var cluster = await PostgresTestCluster.DeployAsync(clusterId, Options(clusterId, AinurStorage.Memory, null), silos: 1);
        try
        {
            var grain = cluster.Client.GetGrain<IStoredCounterGrain>("memory");
            await grain.IncrementAsync();
            await cluster.DeactivateAsync(grain);

            Assert.Equal(1, await grain.GetAsync());
        }
        finally
        {
            await cluster.StopAllSilosAsync(Ct);
            await cluster.DisposeAsync();
        }
    }

    private static AinurOptions Options(string clusterId, AinurStorage storage, string? connectionString) => new()
    {
        Storage = storage,
        Postgres = { ConnectionString = connectionString, MigrateOnStart = false },
        Cluster = { ClusterId = clusterId, ServiceId = clusterId },
        Ledger = LedgerSecrets.For(clusterId).Options(),
        DataDir = NodeSettings.DataDir(clusterId),
    };

    /// <summary>The version of the counter's row in the <c>tasks</c> store, read from the table itself.</summary>
    private static async Task<int?> StoredVersionAsync(TestDatabase database, string serviceId, string key)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "select version from ainur_grain_state where service_id = @s and store = 'tasks' and state_name = 'counter' and grain_id like '%/' || @k",
            connection);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("k", key);
        return (int?)await command.ExecuteScalarAsync(Ct);
    }
}
