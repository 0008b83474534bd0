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
    private TestDatabase? _database;
    private InProcessTestCluster? _cluster;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Fixture not initialised.");

    public string ServiceId { get; } = $"cluster-tests-{Guid.NewGuid():N}";

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ClusterId = ServiceId;
        builder.Options.ServiceId = ServiceId;
        builder.ConfigureSilo((_, silo) => silo.AddAinurSilo(Options(), configureClustering: false));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_cluster is not null)
            {
                await _cluster.StopAllSilosAsync();
            }
        }
        finally
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }

            if (_database is not null)
            {
                await _database.DisposeAsync();
            }
        }
    }

    private AinurOptions Options() => new()
    {
        Mode = AinurMode.Cluster,
        Storage = AinurStorage.Postgres,
        Postgres = { ConnectionString = Database.ConnectionString, MigrateOnStart = false },
        Cluster = { ClusterId = ServiceId, ServiceId = ServiceId },
        Ledger = LedgerSecrets.For(ServiceId).Options(),
    };
}

[CollectionDefinition(Name)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = nameof(PostgresClusterCollection);
}
