using System.Diagnostics;
using System.Globalization;
using System.Net;
using Ainur.Protocol.HttpSignatures;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;

namespace Ainur.LoadTests;

/// <summary>
/// HTTP load against one standalone node: (a) unsigned GET of an agent, (b) signed re-registration of an unchanged
/// manifest, (c) signed registration of new agents (durable write). Clients sign inside the loop, on the same cores.
/// </summary>
internal static class HttpBench
{
    public static async Task RunAsync(int concurrency, TimeSpan duration, TimeSpan warmUp)
    {
        var signing = MeasureSigning(TimeSpan.FromSeconds(2));

        await using var database = await TestDatabase.CreateAsync();
        await using var node = await InProcessGateway.StartStandaloneAsync(database);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = node.Address };

        // Existing agents: every worker owns its own slice, so no two requests wait on the same grain.
        var perWorker = 8;
        var agents = Enumerable.Range(0, concurrency * perWorker).Select(_ => AgentKey.Generate()).ToArray();
        await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (key, _) => await PostAsync(http, key, HttpStatusCode.Created));
        AgentKey Existing(int worker, long iteration) => agents[worker + (concurrency * (int)(iteration % perWorker))];

        var phases = new List<PhaseResult>
        {
            await LoadRunner.RunPhaseAsync("a. GET /v1/agents/{did} (unsigned, 1 grain call)", concurrency, warmUp, duration, async (w, i) =>
            {
                using var response = await http.GetAsync(new Uri("/v1/agents/" + Existing(w, i).Did.Value, UriKind.Relative));
                Expect(response, HttpStatusCode.OK);
            }),
            await LoadRunner.RunPhaseAsync("b. POST /v1/agents, unchanged (signed, no state write)", concurrency, warmUp, duration,
                (w, i) => PostAsync(http, Existing(w, i), HttpStatusCode.OK)),
            await LoadRunner.RunPhaseAsync("c. POST /v1/agents, new agent (signed, durable write)", concurrency, warmUp, duration, async (_, _) =>
            {
                using var key = AgentKey.Generate();
                await PostAsync(http, key, HttpStatusCode.Created);
            }),
        };

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"### http — C = {concurrency}, {duration.TotalSeconds:F0} s per phase after {warmUp.TotalSeconds:F0} s warm-up"));
        Console.WriteLine();
        Console.Write(Report.Table("req", phases));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Client-side signing (body + Content-Digest + HttpMessageSigner.Sign + request headers), one thread: {signing.Sign:F0} requests/s; " +
            $"server-side HttpMessageVerifier.Verify (digest + Ed25519 verify), one thread: {signing.Verify:F0} requests/s (both measured before the node started)."));
        Console.WriteLine(string.Join("; ", phases.Select(p => $"{p.Name[..2]} {Report.Operations(p)}")));
        Console.WriteLine();
    }

    private static async Task PostAsync(HttpClient http, AgentKey key, HttpStatusCode expected)
    {
        using var request = SignedRegistration(key, http.BaseAddress!);
        using var response = await http.SendAsync(request);
        Expect(response, expected);
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}, expected {(int)expected}", null, response.StatusCode);
        }
    }

    private static HttpRequestMessage SignedRegistration(AgentKey key, Uri gateway) =>
        RequestSigner.SignedPost(key, gateway, "/v1/agents", RequestSigner.RegistrationBody(key.Did));

    private static HttpRequestParts Parts(Uri gateway, string digest, Func<string, string?>? headers = null) => new(
        "POST",
        gateway.Authority.ToLowerInvariant(),
        "/v1/agents",
        "",
        headers ?? (name => name.Equals(ContentDigest.FieldName, StringComparison.OrdinalIgnoreCase) ? digest : null));

    /// <summary>Single-threaded signed-request builds per second, and server-side verifications per second.</summary>
    private static (double Sign, double Verify) MeasureSigning(TimeSpan duration)
    {
        using var key = AgentKey.Generate();
        var gateway = new Uri("http://127.0.0.1:5080");
        var signRate = Rate(duration, () => SignedRegistration(key, gateway).Dispose());

        using var request = SignedRegistration(key, gateway);
        var body = request.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var fields = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value));
        var parts = Parts(gateway, fields["content-digest"], name => fields.GetValueOrDefault(name.ToLowerInvariant())) with { Body = body };
        var policy = new SignaturePolicy(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));
        var verifyRate = Rate(duration, () =>
        {
            if (!HttpMessageVerifier.Verify(parts, hasBody: true, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), policy).Ok)
            {
                throw new InvalidOperationException("The benchmark's own signature did not verify.");
            }
        });
        return (signRate, verifyRate);
    }

    private static double Rate(TimeSpan duration, Action action)
    {
        var started = Stopwatch.GetTimestamp();
        long count = 0;
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            action();
            count++;
        }

        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
