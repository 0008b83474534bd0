using System.Net;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// The ainur_* metrics on /metrics, on a gateway of their own. OpenTelemetry listens to meters by name across the whole
/// process and lets same-named instruments of different hosts share one metric stream, which it drops when any of
/// those hosts stops; so these tests run alone, with no other host starting or stopping (one host per process, as in
/// production, never meets this).
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_CountRegistrations_AuthFailuresByReason_AndTheLedger()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        await using var gateway = await InProcessGateway.StartStandaloneAsync(database);
        using var key = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        (await gateway.Http.SendAsync(RequestSigner.SignedPost(key, gateway.Address, "/v1/agents", RequestSigner.RegistrationBody(key.Did)), ct)).EnsureSuccessStatusCode();
        var unsigned = RequestSigner.SignedPost(key, gateway.Address, "/v1/agents", RequestSigner.RegistrationBody(key.Did));
        unsigned.Headers.Remove("Signature");
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Http.SendAsync(unsigned, ct)).StatusCode);
        var ledger = new LedgerCalls(gateway);
        await ledger.FundAsync(key);
        await HttpAssert.JsonAsync(await ledger.TransferAsync(key, bob.Did, 5, nonce: 1), HttpStatusCode.OK);

        // The block's ledger metrics are recorded just after its waiters are told: read until they are there.
        var metrics = "";
        for (var attempt = 0; attempt < 50 && !metrics.Contains("ainur_ledger_block_rounds_count", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 100, ct);
            metrics = await gateway.Http.GetStringAsync("/metrics", ct);
        }

        Assert.Matches("ainur_agent_registrations_total\\{[^}]*outcome=\"created\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("ainur_gateway_auth_failures_total\\{[^}]*reason=\"missing\"[^}]*\\} [1-9]", metrics);
        Assert.Contains("orleans_", metrics, StringComparison.Ordinal);
        Assert.Matches("ainur_ledger_height(\\{[^}]*\\})? [1-9]", metrics);
        Assert.Matches("ainur_ledger_finality_seconds_count(\\{[^}]*\\})? [1-9]", metrics);
        Assert.Matches("ainur_ledger_block_transactions_count(\\{[^}]*\\})? [1-9]", metrics);
        Assert.Matches("ainur_ledger_block_rounds_count(\\{[^}]*\\})? [1-9]", metrics);
    }
}

/// <summary>Runs alone, after the parallel collections (see <see cref="MetricsTests"/>).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = nameof(MetricsCollection);
}
