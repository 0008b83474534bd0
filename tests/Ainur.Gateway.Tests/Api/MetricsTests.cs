using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Gateway.Tests.Tasks;
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
    public async Task Metrics_CountRegistrations_AuthFailuresByReason_TheLedger_AndTasks()
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
        var transferTime = System.Diagnostics.Stopwatch.StartNew();
        await HttpAssert.JsonAsync(await ledger.TransferAsync(key, bob.Did, 5, nonce: 1), HttpStatusCode.OK);
        var transferSeconds = transferTime.Elapsed.TotalSeconds;

        // One task, submitted over HTTP, run by a remote agent and accepted by its client.
        var tasks = new TaskClient(gateway);
        var (draft, _, _) = await tasks.VerifyingAsync();
        await HttpAssert.JsonAsync(await tasks.PostAsync(draft.Client, $"/v1/tasks/{draft.Id}/accept", ""), HttpStatusCode.OK);
        await tasks.WaitForStateAsync(draft.Id, "settled");

        // And one whose agent gives up: the attempt is requeued.
        await tasks.GivenUpOnceAsync();
        var metrics = await tasks.MetricsWithAsync("ainur_ledger_block_rounds_count", "ainur_tasks_settle_seconds_count", "ainur_tasks_requeues_total");

        Assert.Matches("ainur_agent_registrations_total\\{[^}]*outcome=\"created\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("ainur_gateway_auth_failures_total\\{[^}]*reason=\"missing\"[^}]*\\} [1-9]", metrics);
        Assert.Contains("orleans_", metrics, StringComparison.Ordinal);
        Assert.Matches("ainur_ledger_height(\\{[^}]*\\})? [1-9]", metrics);
        Assert.Matches("ainur_ledger_finality_seconds_count(\\{[^}]*\\})? [1-9]", metrics);
        Assert.Matches("ainur_ledger_block_transactions_count(\\{[^}]*\\})? [1-9]", metrics);
        Assert.Matches("ainur_ledger_block_rounds_count(\\{[^}]*\\})? [1-9]", metrics);
        foreach (var state in new[] { "pending", "assigned", "executing", "verifying", "complete", "settled" })
        {
            Assert.Matches($"ainur_tasks_entered_total\\{{[^}}]*state=\"{state}\"[^}}]*\\}} [1-9]", metrics);
        }

        Assert.Matches("ainur_tasks_settle_seconds_count(\\{[^}]*\\})? [1-9]", metrics);
        Assert.Matches("ainur_tasks_requeues_total(\\{[^}]*\\})? [1-9]", metrics);
        Assert.Matches("ainur_tasks_settle_seconds_bucket\\{[^}]*le=\"\\+Inf\"[^}]*\\} [1-9]", metrics);

        // Seconds histograms resolve milliseconds. The transfer's finality took at most its request's round trip, so
        // some finality sample lies at or below the first boundary past that time: a sub-second one when the trip was.
        foreach (var histogram in new[] { "ainur_ledger_finality_seconds", "ainur_tasks_settle_seconds", "ainur_grain_storage_batch_duration_seconds" })
        {
            Assert.Equal([0.001, 0.002, 0.005, 0.01, 0.1, 0.5, 1], Buckets(metrics, histogram).Keys.Intersect([0.001, 0.002, 0.005, 0.01, 0.1, 0.5, 1]));
        }

        var finality = Buckets(metrics, "ainur_ledger_finality_seconds");
        var bound = finality.Keys.First(le => le >= transferSeconds);
        Assert.True(finality[bound] >= 1, $"no finality sample at or below {bound} s though the transfer took {transferSeconds:F3} s: {string.Join(", ", finality)}");
        Assert.True(transferSeconds >= 1 || bound < 1, $"the transfer took {transferSeconds:F3} s, yet the first bucket past it is {bound} s");
    }

    /// <summary>A histogram's cumulative bucket counts by upper bound (seconds), ascending, +Inf left out.</summary>
    private static SortedDictionary<double, long> Buckets(string exposition, string histogram)
    {
        var buckets = new SortedDictionary<double, long>();
        foreach (Match line in Regex.Matches(exposition, $"^{histogram}_bucket\\{{([^}}]*)\\}} (\\d+)", RegexOptions.Multiline))
        {
            var le = Regex.Match(line.Groups[1].Value, "le=\"([^\"]+)\"").Groups[1].Value;
            if (le != "+Inf")
            {
                var bound = double.Parse(le, CultureInfo.InvariantCulture);
                buckets[bound] = buckets.GetValueOrDefault(bound) + long.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        Assert.True(buckets.Count > 0, $"no {histogram}_bucket lines");
        return buckets;
    }
}

/// <summary>Runs alone, after the parallel collections (see <see cref="MetricsTests"/>).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = nameof(MetricsCollection);
}
