using Ainur.Testing.Nodes;

namespace Ainur.Testing.Processes;

/// <summary>
/// A standalone node (gateway with its co-hosted silo) running as a separate process on a test database, ready to
/// serve: its process, address and an HTTP client. Start another on the same database and cluster id to restart it.
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
    public static async Task<GatewayProcess> StartStandaloneAsync(
        TestDatabase database, string clusterId, IDictionary<string, string?>? overrides = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var port = FreePort.Next();
        var settings = NodeSettings.Standalone(database.ConnectionString, clusterId).With(overrides);
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
