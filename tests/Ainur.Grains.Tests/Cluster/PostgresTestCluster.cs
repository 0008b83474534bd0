using Ainur.Grains.Interfaces;
using Ainur.Silo.Hosting;
using Ainur.Testing;
using Orleans.TestingHost;

namespace Ainur.Grains.Tests.Cluster;

/// <summary>
/// Two in-process silos configured by <c>AddAinurSilo</c> on a fresh PostgreSQL database, for the fixtures that need
/// one; Orleans' in-process test cluster owns membership and endpoints, so clustering is left to it.
/// </summary>
internal sealed class PostgresTestCluster : IAsyncDisposable
{
    private PostgresTestCluster(TestDatabase database, InProcessTestCluster cluster)
    {
        Database = database;
        Cluster = cluster;
    }

    public TestDatabase Database { get; }

    public InProcessTestCluster Cluster { get; }

    /// <summary>
    /// Creates the database and starts the silos, each built from <paramref name="options"/> of that database, then
    /// changed by <paramref name="configure"/> (e.g. to wrap a store with fault injection).
    /// </summary>
    public static async Task<PostgresTestCluster> StartAsync(string clusterId, Func<TestDatabase, AinurOptions> options, Action<ISiloBuilder>? configure = null)
    {
        var database = await TestDatabase.CreateAsync();
        try
        {
            return new PostgresTestCluster(database, await DeployAsync(clusterId, options(database), configure: configure));
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts <paramref name="silos"/> silos built from <paramref name="options"/>, each then changed by
    /// <paramref name="configure"/>; the caller owns the cluster and the database.
    /// </summary>
    public static async Task<InProcessTestCluster> DeployAsync(string clusterId, AinurOptions options, short silos = 2, Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ClusterId = clusterId;
        builder.Options.ServiceId = clusterId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAinurSilo(options, configureClustering: false);
            configure?.Invoke(silo);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(AinurStreams.Provider));   // so tests can subscribe
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Stops every silo, then drops the database, even when stopping fails.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
