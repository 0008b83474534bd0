using System.Net;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Observability;

/// <summary>A cluster-mode silo process serves its probes and Prometheus metrics over HTTP.</summary>
[Collection(ProcessTests.Name)]
public sealed class SiloProcessTests
{
    [Fact]
    public async Task ClusterSiloProcess_ServesHealthzReadyzAndMetrics()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        var settings = NodeSettings.ClusterSilo(database.ConnectionString, database.Name);
        var address = new Uri(settings["Urls"]!);
        await using var silo = NodeProcess.StartSilo(settings.AsEnvironment());
        using var http = new HttpClient { BaseAddress = address };

        await silo.WaitForHttpReadyAsync(address, "/readyz", cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative), ct)).StatusCode);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);

        Assert.Matches("(?m)^orleans_consistent_ring_size(\\{[^}]*\\})? 1", metrics);
        Assert.Matches("(?m)^ainur_ledger_height(\\{[^}]*\\})? ", metrics);
        Assert.Matches("(?m)^ainur_ledger_mempool_pending(\\{[^}]*\\})? ", metrics);
        await NodeScrapeTests.AssertPromtoolCheckMetricsAsync(metrics);
    }
}
