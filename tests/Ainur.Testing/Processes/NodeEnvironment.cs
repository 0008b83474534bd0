namespace Ainur.Testing.Processes;

/// <summary>The <c>Ainur__*</c> environment of gateway and silo processes a test starts.</summary>
public static class NodeEnvironment
{
    /// <summary>A standalone gateway (co-hosted silo, localhost clustering) on free silo and Orleans gateway ports.</summary>
    public static Dictionary<string, string?> Standalone(string connectionString, string serviceId, bool rateLimits = false) =>
        WithRateLimits(new()
        {
            ["Ainur__Mode"] = "Standalone",
            ["Ainur__Storage"] = "Postgres",
            ["Ainur__Postgres__ConnectionString"] = connectionString,
            ["Ainur__Cluster__ClusterId"] = serviceId,
            ["Ainur__Cluster__ServiceId"] = serviceId,
            ["Ainur__Cluster__SiloPort"] = Port(),
            ["Ainur__Cluster__GatewayPort"] = Port(),
        }, rateLimits);

    /// <summary>
    /// A silo of a cluster on free ports. Migration is off: the test database already has the schema, and two silos
    /// starting together would otherwise migrate concurrently.
    /// </summary>
    public static Dictionary<string, string?> ClusterSilo(string connectionString, string clusterId, string serviceId) => new()
    {
        ["Ainur__Mode"] = "Cluster",
        ["Ainur__Storage"] = "Postgres",
        ["Ainur__Postgres__ConnectionString"] = connectionString,
        ["Ainur__Postgres__MigrateOnStart"] = "false",
        ["Ainur__Cluster__ClusterId"] = clusterId,
        ["Ainur__Cluster__ServiceId"] = serviceId,
        ["Ainur__Cluster__SiloPort"] = Port(),
        ["Ainur__Cluster__GatewayPort"] = Port(),
    };

    /// <summary>A gateway that is an Orleans client of the cluster <paramref name="clusterId"/>.</summary>
    public static Dictionary<string, string?> ClusterGateway(string connectionString, string clusterId, string serviceId, bool rateLimits = false) =>
        WithRateLimits(new()
        {
            ["Ainur__Mode"] = "Cluster",
            ["Ainur__Storage"] = "Postgres",
            ["Ainur__Postgres__ConnectionString"] = connectionString,
            ["Ainur__Postgres__MigrateOnStart"] = "false",
            ["Ainur__Cluster__ClusterId"] = clusterId,
            ["Ainur__Cluster__ServiceId"] = serviceId,
        }, rateLimits);

    private static Dictionary<string, string?> WithRateLimits(Dictionary<string, string?> environment, bool rateLimits)
    {
        if (!rateLimits)
        {
            environment["Ainur__Gateway__PerIp__PerSecond"] = "0";
            environment["Ainur__Gateway__PerDid__PerSecond"] = "0";
        }

        return environment;
    }

    private static string Port() => FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
