using System.Globalization;
using Ainur.Gateway.Tests.Fault;
using Ainur.Testing;
using Ainur.Testing.Nodes;

namespace Ainur.Gateway.Tests.Cluster;

/// <summary>
/// Two silo processes with cluster TLS (certificates of the test's authority, <see cref="Testing.Tls.TestAuthority.Cluster"/>)
/// and a cluster-mode gateway process in front of them, on a database of their own; a genesis allocation funds
/// <see cref="Holder"/>.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    /// <summary>The genesis balance of the holder account.</summary>
    public const long Allocation = 1_000_000;

    private TestDatabase? _database;
    private ProcessCluster? _cluster;

    /// <summary>The cluster's id (and service id).</summary>
    public string ClusterId { get; } = $"tls-{Guid.NewGuid():N}";

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    internal ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("Fixture not initialised.");

    /// <summary>Name of the account funded at genesis (<see cref="LedgerSecrets.Account"/>).</summary>
    public static string Holder => "holder";

    /// <summary>What every silo of this cluster runs with beyond the test defaults: the genesis and TLS reports in the log.</summary>
    public Dictionary<string, string?> SiloOverrides() => new()
    {
        ["Ainur:Ledger:Allocations:0:Account"] = LedgerSecrets.Account(ClusterId, Holder).Did.Value,
        ["Ainur:Ledger:Allocations:0:Amount"] = Allocation.ToString(CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Ainur.ClusterTls"] = "Information",
    };

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _database = await TestDatabase.CreateAsync(ct);
        _cluster = await ProcessCluster.StartAsync(_database.ConnectionString, ClusterId, SiloOverrides(), ct);
    }

    public async ValueTask DisposeAsync()
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
