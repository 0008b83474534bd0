using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Http;

namespace Ainur.Gateway.Tests.Fault;

/// <summary>
/// Two silo processes and a cluster-mode gateway process; one silo is killed with SIGKILL while clients keep
/// registering. Nothing acknowledged is lost, failures in between are 503 problem+json (never 500 or a hang), and
/// registrations succeed again within seconds. Run once killing the first silo started and once the second: the
/// replay-guard grain (one activation that every signed request calls) lives on one of them, so one of the two
/// runs kills the silo hosting it.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class SiloFailoverTests
{
    private const int Workers = 4;
    private static readonly TimeSpan BeforeKill = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AfterKill = TimeSpan.FromSeconds(20);
    // A registration caught by the kill waits on grains of the dead silo (the replay guard, the discovery directory or
    // shard) until membership declares it dead; the gateway's client gives up on a call after 5 s and retries it once
    // more, so the gap comes in steps of about 5 s: ~5 s when death is declared within 5 s, ~11 s when a loaded machine
    // (every CI test app at once) takes longer, and once in a few CI runs ~23 s (the surviving silo answered no
    // registration for 20 s although it saw the death within a second; not explained yet, docs/decisions.md). Past
    // 30 s the cluster did not recover.
    private static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(30);

    [Theory(Timeout = 180_000)]
    [InlineData(0)]
    [InlineData(1)]
    public async Task KillNineOfOneSilo_LosesNoAcknowledgedRegistration_AndRecovers(int victim)
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        await using var db = await TestDatabase.CreateAsync(ct);
        var clusterId = $"failover-{Guid.NewGuid():N}";

        await using var cluster = await ProcessCluster.StartAsync(db.ConnectionString, clusterId, siloOverrides: null, ct);
        using var client = new SignedClient(cluster.BaseAddress, TimeSpan.FromSeconds(30));
        var results = new ConcurrentBag<Attempt>();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(() => RegisterUntilAsync(client, clock, results, stop.Token), ct)).ToArray();

        // The kill comes once the cluster serves: a loaded machine can take seconds for its first registration (a cold
        // encoder), and that is not what this test measures.
        var serving = Stopwatch.StartNew();
        while (!results.Any(a => a.Status is >= 200 and < 300))
        {
            Assert.True(serving.Elapsed < TimeSpan.FromSeconds(60), "no registration succeeded within 60 s of the cluster's start");
            await Task.Delay(100, ct);
        }

        await Task.Delay(BeforeKill, ct);
        var killedAt = clock.Elapsed;
        cluster.Silos[victim].KillHard();
        await Task.Delay(AfterKill, ct);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var attempts = results.OrderBy(a => a.Finished).ToList();
        var acknowledged = attempts.Where(a => a.Status is >= 200 and < 300).ToList();
        var failed = attempts.Where(a => a.Status is not (>= 200 and < 300)).ToList();
        var firstAfterKill = acknowledged.FirstOrDefault(a => a.Started > killedAt);
        var gap = LongestGap(acknowledged.Where(a => a.Finished > killedAt).Select(a => a.Finished).Prepend(killedAt).Append(clock.Elapsed));
        output.WriteLine(
            $"killed silo #{victim} at {killedAt.TotalSeconds:F1} s; {attempts.Count} attempts, {acknowledged.Count} acknowledged " +
            $"({acknowledged.Count(a => a.Finished < killedAt)} before the kill), {failed.Count} failed " +
            $"[{string.Join(", ", failed.GroupBy(a => a.Status).Select(g => $"{g.Key}x{g.Count()}"))}]; " +
            $"longest wait for a success from the kill on {gap.TotalSeconds:F2} s; first success started after the kill came " +
            $"{((firstAfterKill?.Finished ?? clock.Elapsed) - killedAt).TotalSeconds:F2} s after it; " +
            $"slowest request {attempts.Max(a => a.Finished - a.Started).TotalSeconds:F2} s");

        // Failures while the silo is declared dead are 503 problem+json, nothing else (no 500, no timeout).
        foreach (var failure in failed)
        {
            Assert.True(failure.Status == 503 && failure.MediaType == "application/problem+json", failure.ToString());
        }

        Assert.NotNull(firstAfterKill);
        Assert.True(gap < MaxGap, $"registrations stalled for {gap.TotalSeconds:F1} s");
        Assert.Contains(acknowledged, a => a.Finished > killedAt + TimeSpan.FromSeconds(5)); // still working well after the kill

        // Every acknowledged registration is readable from the surviving cluster.
        foreach (var ack in acknowledged)
        {
            using var response = await client.GetAgentAsync(ack.Did, ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"acknowledged {ack} but GET gave {await SignedClient.DescribeAsync(response)}");
        }
    }

    private static async Task RegisterUntilAsync(SignedClient client, Stopwatch clock, ConcurrentBag<Attempt> results, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var key = AgentKey.Generate();
            var started = clock.Elapsed;
            try
            {
                // Not cancelled by `stop`: a request in flight at the end still counts.
                using var response = await client.RegisterAsync(key, SignedClient.EchoManifestJson(), CancellationToken.None);
                var body = response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(CancellationToken.None);
                results.Add(new Attempt(key.Did.Value, started, clock.Elapsed, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body));
                if (!response.IsSuccessStatusCode)
                {
                    await Task.Delay(50, CancellationToken.None); // as a client honouring Retry-After would, briefly
                }
            }
            catch (HttpRequestException e)
            {
                results.Add(new Attempt(key.Did.Value, started, clock.Elapsed, 0, null, e.Message));
            }
            catch (TaskCanceledException e)
            {
                results.Add(new Attempt(key.Did.Value, started, clock.Elapsed, -1, null, "client timeout: " + e.Message));
            }
        }
    }

    private static TimeSpan LongestGap(IEnumerable<TimeSpan> times)
    {
        var longest = TimeSpan.Zero;
        TimeSpan? previous = null;
        foreach (var time in times)
        {
            if (previous is { } p && time - p > longest)
            {
                longest = time - p;
            }

            previous = time;
        }

        return longest;
    }

    private sealed record Attempt(string Did, TimeSpan Started, TimeSpan Finished, int Status, string? MediaType, string Body)
    {
        public override string ToString() =>
            $"{Did} [{Started.TotalSeconds:F2}-{Finished.TotalSeconds:F2} s] {Status} {MediaType} {Body}";
    }
}
