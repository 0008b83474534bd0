using System.Net;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Ainur.Testing.Http;

namespace Ainur.Gateway.Tests.Api;

/// <summary>Health probes, the OpenAPI document and the per-IP limit, on real HTTP (metrics: <see cref="MetricsTests"/>).</summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class OperationsTests(StandaloneGatewayFixture fixture)
{
    [Fact]
    public async Task HealthAndReadiness_AreUp()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.OK, (await fixture.Gateway.Http.GetAsync("/healthz", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Gateway.Http.GetAsync("/readyz", ct)).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheAgentsAndStakingApi()
    {
        var document = await fixture.Gateway.Http.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Contains("\"/v1/agents\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/v1/agents/{did}\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/v1/agents/{did}/deregister\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/v1/stake\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/v1/unstake\"", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_OverThePerIpLimit_Get429()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        await using var gateway = await InProcessGateway.StartStandaloneAsync(database, new Dictionary<string, string?>
        {
            ["Ainur:Gateway:PerIp:PerSecond"] = "0.01",
            ["Ainur:Gateway:PerIp:Burst"] = "2",
        });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await gateway.Http.GetAsync("/v1/agents/did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", ct)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.GetAsync("/healthz", ct)).StatusCode);
    }
}
