using Ainur.Testing.Nodes;

namespace Ainur.Testing.Processes;

/// <summary>
/// A gateway running as a separate process, ready to serve: its process, address and an HTTP client. A standalone node
/// (gateway with its co-hosted silo) on a test database, or a cluster-mode gateway in front of silo processes. Start
/// another on the same database and cluster id to restart it.
/// </summary>
public sealed class GatewayProcess : IGatewayEndpoint, IAsyncDisposable
{
    private GatewayProcess(NodeProcess node, Uri address)
    {
        Node = node;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    /// <summary>The process (for <see cref="NodeProcess.KillHard"/> and its log).</summary>
    public NodeProcess Node { get; }

    /// <inheritdoc/>
    public Uri Address { get; }

    /// <inheritdoc/>
    public HttpClient Http { get; }

    /// <summary>
    /// Starts a standalone node on <paramref name="database"/> as cluster and service <paramref name="clusterId"/>, with
    /// <paramref name="overrides"/> over the test settings, and waits until it is ready.
    /// </summary>
    public static Task<GatewayProcess> StartStandaloneAsync(
        TestDatabase database, string clusterId, IDictionary<string, string?>? overrides = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        return StartAsync(NodeSettings.Standalone(database.ConnectionString, clusterId).With(overrides), cancellationToken);
    }

    /// <summary>
    /// Starts a cluster-mode gateway (an Orleans client of the silos of <paramref name="clusterId"/> on
    /// <paramref name="connectionString"/>'s membership table) and waits until it is ready.
    /// </summary>
    public static Task<GatewayProcess> StartClusterAsync(
        string connectionString, string clusterId, IDictionary<string, string?>? overrides = null, CancellationToken cancellationToken = default) =>
        StartAsync(NodeSettings.ClusterGateway(connectionString, clusterId).With(overrides), cancellationToken);

    private static async Task<GatewayProcess> StartAsync(Dictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var gateway = new GatewayProcess(NodeProcess.StartGateway(port, settings.AsEnvironment()), new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await gateway.Node.WaitForHttpReadyAsync(gateway.Address, cancellationToken: cancellationToken);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the process if it still runs (see <see cref="NodeProcess.DisposeAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Node.DisposeAsync();
    }
}
