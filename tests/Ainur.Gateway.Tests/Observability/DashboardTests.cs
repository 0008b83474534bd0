using System.Net;
using Ainur.Silo.Hosting;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.Tests.Observability;

/// <summary>Orleans' dashboard: served by standalone (development) nodes, refused in cluster mode.</summary>
public sealed class DashboardTests
{
    [Fact]
    public async Task StandaloneNode_ServesTheOrleansDashboard_AtSlashDashboard()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        await using var node = await InProcessGateway.StartStandaloneAsync(database, new Dictionary<string, string?> { ["Ainur:Dashboard"] = null });

        using var page = await node.Http.GetAsync(new Uri("/dashboard/", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task StandaloneNode_WithDashboardFalse_HasNoDashboard()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        await using var node = await InProcessGateway.StartStandaloneAsync(database, new Dictionary<string, string?> { ["Ainur:Dashboard"] = "false" });

        using var page = await node.Http.GetAsync(new Uri("/dashboard/", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    [Fact]
    public void ClusterMode_WithDashboardTrue_IsRefusedAtStart()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ainur:Mode"] = "Cluster",
            ["Ainur:Postgres:ConnectionString"] = "Host=127.0.0.1",
            ["Ainur:Dashboard"] = "true",
        }).Build();

        var refusal = Assert.Throws<OptionsValidationException>(() => AinurConfiguration.Read(configuration));

        Assert.Contains("Ainur:Dashboard", refusal.Message, StringComparison.Ordinal);
        Assert.False(new AinurOptions { Mode = AinurMode.Cluster }.DashboardEnabled);
    }
}
