using System.Globalization;
using Ainur.Testing.Processes;
using Ainur.Testing.Tls;

namespace Ainur.Testing.Nodes;

/// <summary>
/// Configuration of the nodes tests start, as <c>Ainur:*</c> keys: in-process hosts take it as in-memory
/// configuration, processes as environment variables (<see cref="AsEnvironment"/>). Free ports, rate limits off
/// (tests that measure them turn them on), Warning-level logs.
/// </summary>
public static class NodeSettings
{
    /// <summary>
    /// A standalone gateway (co-hosted silo, localhost clustering) identified by <paramref name="clusterId"/>, with its own
    /// data folder. The Orleans dashboard is off (it profiles every grain call; many test nodes share two cores): the
    /// dashboard's own tests turn it on.
    /// </summary>
    public static Dictionary<string, string?> Standalone(string connectionString, string clusterId)
    {
        var settings = Common("Standalone", connectionString, clusterId, withSiloPorts: true);
        settings["Ainur:DataDir"] = DataDir(clusterId);
        settings["Ainur:Dashboard"] = "false";
        return settings;
    }

    /// <summary>
    /// The data folder of the standalone node <paramref name="clusterId"/>, where it keeps the development keys it generates:
    /// one per cluster id, so every test node has keys of its own and a node restarted on its database keeps them.
    /// </summary>
    public static string DataDir(string clusterId) => Path.Combine(Path.GetTempPath(), "ainur-test-nodes", clusterId);

    /// <summary>
    /// A silo of the cluster <paramref name="clusterId"/>, with cluster TLS by the test process's authority
    /// (<see cref="TestAuthority.ClusterSecret"/>). Migration is off: the test database already has the schema,
    /// and silos starting together need not queue on the migration lock. A silo process serves its probes and metrics
    /// on a free loopback port (<c>Urls</c>), so that silos started together never share one.
    /// </summary>
    public static Dictionary<string, string?> ClusterSilo(string connectionString, string clusterId)
    {
        var settings = Common("Cluster", connectionString, clusterId, withSiloPorts: true).With(LedgerSecrets.For(clusterId).Settings());
        settings["Ainur:Postgres:MigrateOnStart"] = "false";
        settings["Ainur:Cluster:Tls:Directory"] = TestAuthority.ClusterSecret;
        settings["Urls"] = "http://127.0.0.1:" + Port();
        return settings;
    }

    /// <summary>A gateway that is an Orleans client of the cluster <paramref name="clusterId"/>, with cluster TLS as its silos.</summary>
    public static Dictionary<string, string?> ClusterGateway(string connectionString, string clusterId)
    {
        var settings = Common("Cluster", connectionString, clusterId, withSiloPorts: false);
        settings["Ainur:Postgres:MigrateOnStart"] = "false";
        settings["Ainur:Cluster:Tls:Directory"] = TestAuthority.ClusterSecret;
        return settings;
    }

    /// <summary>The same settings as environment variables (<c>Ainur__Mode</c>, …).</summary>
    public static Dictionary<string, string?> AsEnvironment(this IDictionary<string, string?> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

    /// <summary>A copy with <paramref name="overrides"/> applied on top.</summary>
    public static Dictionary<string, string?> With(this IDictionary<string, string?> settings, IDictionary<string, string?>? overrides)
    {
        var merged = new Dictionary<string, string?>(settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        return merged;
    }

    private static Dictionary<string, string?> Common(string mode, string connectionString, string clusterId, bool withSiloPorts)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ainur:Mode"] = mode,
            ["Ainur:Storage"] = "Postgres",
            ["Ainur:Postgres:ConnectionString"] = connectionString,
            ["Ainur:Cluster:ClusterId"] = clusterId,
            ["Ainur:Cluster:ServiceId"] = clusterId,
            ["Ainur:Gateway:PerIp:PerSecond"] = "0",
            ["Ainur:Gateway:PerDid:PerSecond"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (withSiloPorts)
        {
            settings["Ainur:Cluster:SiloPort"] = Port();
            settings["Ainur:Cluster:GatewayPort"] = Port();
        }

        return settings;
    }

    private static string Port() => FreePort.Next().ToString(CultureInfo.InvariantCulture);
}
