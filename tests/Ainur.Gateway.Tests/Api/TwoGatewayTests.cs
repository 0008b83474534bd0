using System.Net;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Microsoft.Extensions.Hosting;
using Ainur.Testing.Nodes;
using Ainur.Testing.Http;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// One silo in cluster mode and two gateways that are Orleans clients of it: replay protection and rate limits
/// must hold across gateways, because their state lives in the cluster, not in a gateway process. Both gateways
/// answer for one public name, as gateways behind one load balancer do.
/// </summary>
public sealed class TwoGatewayTests : IAsyncLifetime
{
    private static readonly Uri PublicAddress = new("http://api.ainur.test");

    private TestDatabase? _database;
    private IHost? _silo;
    private InProcessGateway[] _gateways = [];

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(TestContext.Current.CancellationToken);
        (_silo, _gateways) = await InProcessGateway.StartClusterAsync(_database, gateways: 2, new Dictionary<string, string?>
        {
            ["Ainur:Gateway:PerDid:PerSecond"] = "0.01",
            ["Ainur:Gateway:PerDid:Burst"] = "3",
            ["Ainur:Gateway:PublicAuthorities:0"] = PublicAddress.Authority,
        });
    }

    [Fact]
    public async Task Register_ReplayedToSecondGateway_Is401()
    {
        var ct = TestContext.Current.CancellationToken;
        using var key = AgentKey.Generate();
        using var original = RequestSigner.SignedPost(key, PublicAddress, "/v1/agents", RequestSigner.RegistrationBody(key.Did));

        // Same bytes, same Host header value: an attacker forwarding a captured request to another gateway.
        using var replay = await RequestSigner.CopyAsync(original, _gateways[1].Address);
        replay.Headers.Host = PublicAddress.Authority;
        original.SentTo(_gateways[0].Address);

        (await _gateways[0].Http.SendAsync(original, ct)).EnsureSuccessStatusCode();
        await HttpAssert.ProblemAsync(await _gateways[1].Http.SendAsync(replay, ct), HttpStatusCode.Unauthorized, "signature-replayed");
    }

    [Fact]
    public async Task Register_PerDidLimit_IsSharedByGateways()
    {
        var ct = TestContext.Current.CancellationToken;
        using var key = AgentKey.Generate();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var gateway = _gateways[i % 2];
            var response = await gateway.Http.SendAsync(
                RequestSigner.SignedPost(key, PublicAddress, "/v1/agents", RequestSigner.RegistrationBody(key.Did)).SentTo(gateway.Address), ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await HttpAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests, "rate-limited");
                Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            }
        }

        // Burst 3 across both gateways: two each would pass if every gateway kept its own bucket.
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
