using Ainur.Silo.Hosting;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Orleans.TestingHost;

namespace Ainur.Grains.Tests.Cluster;

/// <summary>
/// Two in-process silos configured as production silos by <c>AddAinurSilo</c> (grain storage, reminders and the
/// replay guard on a fresh PostgreSQL database), except membership and endpoints: Orleans' in-process test cluster
/// owns those (its own membership cannot be turned off in 10.4.2), so clustering is left to it. ADO.NET membership
/// itself is covered by the process-level failover test and the clustering table tests.
/// </summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private PostgresTestCluster? _cluster;

    public TestDatabase Database => (_cluster ?? throw new InvalidOperationException("Fixture not initialised.")).Database;

    public InProcessTestCluster Cluster => (_cluster ?? throw new InvalidOperationException("Fixture not initialised.")).Cluster;

    public string ServiceId { get; } = $"cluster-tests-{Guid.NewGuid():N}";

    public async ValueTask InitializeAsync() => _cluster = await PostgresTestCluster.StartAsync(ServiceId, database => Options(ServiceId, database));

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>A production silo's options on <paramref name="database"/>, with <paramref name="serviceId"/> as cluster and service id.</summary>
    internal static AinurOptions Options(string serviceId, TestDatabase database) => new()
    {
        Mode = AinurMode.Cluster,
        Storage = AinurStorage.Postgres,
        Postgres = { ConnectionString = database.ConnectionString, MigrateOnStart = false },
        Cluster = { ClusterId = serviceId, ServiceId = serviceId },
        Ledger = LedgerSecrets.For(serviceId).Options(),
    };
}

[CollectionDefinition(Name)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = nameof(PostgresClusterCollection);
}
