using Ainur.Testing;
using Ainur.Testing.Nodes;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Fault;

/// <summary>Two silo processes of one cluster on a test database, and a cluster-mode gateway process in front of them.</summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private ProcessCluster(List<NodeProcess> silos) => Silos = silos;

    public IReadOnlyList<NodeProcess> Silos { get; }

    public NodeProcess? Gateway { get; private set; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts both silos (with <paramref name="siloOverrides"/>), waits until both are active, then the gateway.</summary>
    public static async Task<ProcessCluster> StartAsync(
        TestDatabase db, string clusterId, IDictionary<string, string?>? siloOverrides, CancellationToken ct)
    {
        var cluster = new ProcessCluster([]);
        try
        {
            var silos = (List<NodeProcess>)cluster.Silos;
            for (var i = 0; i < 2; i++)
            {
                silos.Add(NodeProcess.StartSilo(NodeSettings.ClusterSilo(db.ConnectionString, clusterId).With(siloOverrides).AsEnvironment()));
            }

            await NodeProcess.WaitUntilAsync(
                silos,
                async () => await ClusterMembership.CountActiveAsync(db.ConnectionString, clusterId, ct) == 2,
                "both silos active in the membership table",
                cancellationToken: ct);
            var port = FreePort.Next();
            cluster.BaseAddress = new Uri($"http://127.0.0.1:{port}");
            cluster.Gateway = NodeProcess.StartGateway(port, NodeSettings.ClusterGateway(db.ConnectionString, clusterId).AsEnvironment());
            await cluster.Gateway.WaitForHttpReadyAsync(cluster.BaseAddress, cancellationToken: ct);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }
    }
}
