using System.Globalization;
using Ainur.Testing.Nodes;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Fault;

/// <summary>
/// Silo processes of one cluster on a database (ADO.NET clustering), and cluster-mode gateway processes in front of
/// them. A silo or gateway that was killed or stopped can be replaced by a fresh process, as a supervisor would.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private readonly List<NodeProcess> _silos = [];
    private readonly List<int> _siloPorts = [];
    private readonly List<GatewayProcess> _gateways = [];
    private readonly string _connectionString;
    private readonly string _clusterId;
    private readonly IDictionary<string, string?>? _siloOverrides;
    private readonly IDictionary<string, string?>? _gatewayOverrides;

    private ProcessCluster(string connectionString, string clusterId, IDictionary<string, string?>? siloOverrides, IDictionary<string, string?>? gatewayOverrides)
    {
        _connectionString = connectionString;
        _clusterId = clusterId;
        _siloOverrides = siloOverrides;
        _gatewayOverrides = gatewayOverrides;
    }

    public IReadOnlyList<NodeProcess> Silos => _silos;

    public IReadOnlyList<GatewayProcess> Gateways => _gateways;

    /// <summary>The first gateway's process.</summary>
    public NodeProcess Gateway => _gateways[0].Node;

    /// <summary>The first gateway's address.</summary>
    public Uri BaseAddress => _gateways[0].Address;

    /// <summary>
    /// Starts <paramref name="silos"/> silos (with <paramref name="siloOverrides"/>), waits until all are active, then
    /// <paramref name="gateways"/> gateways (with <paramref name="gatewayOverrides"/>).
    /// </summary>
    public static async Task<ProcessCluster> StartAsync(
        string connectionString, string clusterId, IDictionary<string, string?>? siloOverrides, CancellationToken ct,
        int silos = 2, int gateways = 1, IDictionary<string, string?>? gatewayOverrides = null)
    {
        var cluster = new ProcessCluster(connectionString, clusterId, siloOverrides, gatewayOverrides);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                cluster.StartSilo(i);
            }

            await cluster.WaitForActiveSilosAsync(ct);
            foreach (var start in Enumerable.Range(0, gateways).Select(_ => GatewayProcess.StartClusterAsync(connectionString, clusterId, gatewayOverrides, ct)).ToList())
            {
                cluster._gateways.Add(await start);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The silo port of silo <paramref name="index"/> (its Orleans identity reads <c>S127.0.0.1:port:generation</c>).</summary>
    public int SiloPort(int index) => _siloPorts[index];

    /// <summary>Waits until the membership table lists as many active silos as this cluster runs, and no more.</summary>
    public Task WaitForActiveSilosAsync(CancellationToken ct, TimeSpan? timeout = null) =>
        NodeProcess.WaitUntilAsync(
            _silos,
            async () => await ClusterMembership.CountActiveAsync(_connectionString, _clusterId, ct) == _silos.Count,
            $"{_silos.Count} silos active in the membership table",
            timeout,
            ct);

    /// <summary>Kills silo <paramref name="index"/> if it still runs, starts a fresh one in its place and waits until it is active.</summary>
    public async Task ReplaceSiloAsync(int index, CancellationToken ct, TimeSpan? timeout = null)
    {
        await _silos[index].DisposeAsync();
        StartSilo(index);
        await WaitForActiveSilosAsync(ct, timeout);
    }

    /// <summary>Kills gateway <paramref name="index"/> if it still runs and starts a fresh one in its place, ready.</summary>
    public async Task ReplaceGatewayAsync(int index, CancellationToken ct)
    {
        await _gateways[index].DisposeAsync();
        _gateways[index] = await GatewayProcess.StartClusterAsync(_connectionString, _clusterId, _gatewayOverrides, ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
    }

    private void StartSilo(int index)
    {
        var settings = NodeSettings.ClusterSilo(_connectionString, _clusterId).With(_siloOverrides);
        var node = NodeProcess.StartSilo(settings.AsEnvironment());
        var port = int.Parse(settings["Ainur:Cluster:SiloPort"]!, CultureInfo.InvariantCulture);
        if (index == _silos.Count)
        {
            _silos.Add(node);
            _siloPorts.Add(port);
        }
        else
        {
            _silos[index] = node;
            _siloPorts[index] = port;
        }
    }
}
