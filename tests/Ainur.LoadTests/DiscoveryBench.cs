using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Ainur.Grains.Discovery.Embeddings;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Discovery;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ainur.LoadTests;

/// <summary>
/// Discovery on one node with many agents' offers: embedding throughput, index build time and memory, discover latency
/// (query embedding cached and not), recall@10 of the shards' HNSW search against brute force over the same vectors
/// (timed too, as the baseline), and the rate of full registrations with embedding on.
/// The bulk offers are embedded in batches and put into the shards directly (<c>PutManyAsync</c>), as a rebuild does;
/// the registration rate is measured separately through <c>IAgentGrain.RegisterAsync</c>.
/// With <c>--vectors FILE</c> the offers' embeddings are read from FILE when it holds them (the texts are the same for a
/// given count), else embedded and written there: embedding 100k texts takes about 15 minutes here, and a before/after
/// comparison of discover latency need not pay it twice.
/// </summary>
internal static class DiscoveryBench
{
    private const int Domains = 10;
    private const int Queries = 200;

    public static async Task RunAsync(int agents, int registrations, int concurrency, string? vectorsFile)
    {
        await using var database = await TestDatabase.CreateAsync();
        var host = await InProcessGateway.StartSiloAsync(NodeSettings.Standalone(database.ConnectionString, database.Name));
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var embedder = host.Services.GetRequiredService<ITextEmbedder>();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"### discovery — {agents} agents' offers in {Domains} domains, {Queries} queries"));
            Console.WriteLine();

            var texts = SyntheticTexts.Capabilities(agents);
            var clock = Stopwatch.StartNew();
            var vectors = vectorsFile is not null && ReadVectors(vectorsFile, agents, embedder.Dimensions) is { } stored ? stored : null;
            if (vectors is null)
            {
                vectors = await EmbedAsync(embedder, texts);
                Row("embed offers (batches of 64, 2 encoders)", clock.Elapsed, $"{agents / clock.Elapsed.TotalSeconds:F0} texts/s");
                if (vectorsFile is not null)
                {
                    WriteVectors(vectorsFile, vectors);
                }
            }
            else
            {
                Row($"embed offers: read from {vectorsFile}, not timed", TimeSpan.Zero, $"{agents} vectors");
            }

            var dids = Enumerable.Range(0, agents).Select(_ => { using var key = AgentKey.Generate(); return key.Did; }).ToArray();
            var byDid = dids.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => p.i);
            GC.Collect();
            var before = Process.GetCurrentProcess().PrivateMemorySize64;
            var managedBefore = GC.GetTotalMemory(true);
            clock.Restart();
            await Parallel.ForEachAsync(Enumerable.Range(0, Domains), async (d, _) =>
            {
                var shard = grains.GetGrain<IDiscoveryShardGrain>($"bench{d}");
                foreach (var chunk in Enumerable.Range(0, agents).Where(i => i % Domains == d).Chunk(2000))
                {
                    await shard.PutManyAsync([.. chunk.Select(i => new DiscoveryEntry(dids[i], $"agent-{i}", $"bench{d}.c{i % 997}", texts[i], 1 + (i % 50), PresenceSource.Remote, vectors[i]))]);
                }
            });
            await grains.GetGrain<IDiscoveryDirectoryGrain>(0).AddAsync([.. Enumerable.Range(0, Domains).Select(d => $"bench{d}.c0")]);
            var build = clock.Elapsed;
            GC.Collect();
            var grew = Process.GetCurrentProcess().PrivateMemorySize64 - before;
            var managed = GC.GetTotalMemory(true) - managedBefore;
            Row("index build (PutMany into 10 shards)", build, $"{agents / build.TotalSeconds:F0} offers/s; private memory +{grew / 1048576.0:F0} MiB (managed +{managed / 1048576.0:F0} MiB)");

            var queries = SyntheticTexts.Queries(Queries).Select(q => DiscoveryQuery.TryCreate(q, 10, out _)!).ToList();
            var queryVectors = await EmbedAsync(embedder, [.. queries.Select(q => q.Text)]);

            // Recall@10 of the fan-out over the shards against exact search over the same vectors, and that exact search timed.
            var exactTimes = new LatencyHistogram();
            var found = 0;
            for (var q = 0; q < Queries; q++)
            {
                var start = Stopwatch.GetTimestamp();
                var exact = Vectors.TopK(queryVectors[q], vectors, 10).ToHashSet();
                exactTimes.Record((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                var hits = (await Task.WhenAll(Enumerable.Range(0, Domains).Select(d => grains.GetGrain<IDiscoveryShardGrain>($"bench{d}").SearchAsync(queryVectors[q], 10))))
                    .SelectMany(h => h).OrderByDescending(h => h.Similarity).Take(10);
                found += hits.Count(h => exact.Contains(byDid[h.Agent]));
            }

            Row("recall@10, shards vs brute force", TimeSpan.Zero, $"{found / (10.0 * Queries):F4}");
            Row("brute force top-10 over all vectors (baseline)", TimeSpan.Zero, Percentiles(exactTimes));

            var uncached = new LatencyHistogram();
            var discovery = grains.GetGrain<IDiscoveryGrain>(0);
            foreach (var query in queries)
            {
                var start = Stopwatch.GetTimestamp();
                var result = await discovery.DiscoverAsync(query, null);
                uncached.Record((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                if (result.Cached)
                {
                    throw new InvalidOperationException("A first query came from the cache.");
                }
            }

            var cached = new LatencyHistogram();
            for (var round = 0; round < 10; round++)
            {
                foreach (var query in queries)
                {
                    var start = Stopwatch.GetTimestamp();
                    await discovery.DiscoverAsync(query, null);
                    cached.Record((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
            }

            Row("discover, query not cached (embed + search + rank)", TimeSpan.Zero, Percentiles(uncached));
            Row("discover, query embedding cached", TimeSpan.Zero, Percentiles(cached));

            clock.Restart();
            await RegisterAsync(grains, Enumerable.Range(0, registrations), concurrency, i => $"reg{i % Domains}.c{i % 97}");
            Row($"registrations with embedding (C = {concurrency}, PostgreSQL)", clock.Elapsed, $"{registrations / clock.Elapsed.TotalSeconds:F0} agents/s");

            // The same cached queries while agents register into the queried domains: each registration moves its domain's
            // version, so that domain's kept answers are asked of its shard again (the worst case for the silo's replica).
            var mixed = new LatencyHistogram();
            var registering = RegisterAsync(grains, Enumerable.Range(registrations, registrations / 5), concurrency, i => $"bench{i % Domains}.m{i % 97}");
            clock.Restart();
            while (!registering.IsCompleted)
            {
                foreach (var query in queries.TakeWhile(_ => !registering.IsCompleted))
                {
                    var start = Stopwatch.GetTimestamp();
                    await discovery.DiscoverAsync(query, null);
                    mixed.Record((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
            }

            await registering;
            Row($"discover, query embedding cached, while {registrations / 5} agents register into the same domains (C = {concurrency})", clock.Elapsed, Percentiles(mixed));
            Console.WriteLine();
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static Task RegisterAsync(IGrainFactory grains, IEnumerable<int> agents, int concurrency, Func<int, string> capability) =>
        Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            using var key = AgentKey.Generate();
            var manifest = new AgentManifest($"reg-{i}", "1.0.0", [new Capability(capability(i), SyntheticTexts.Capabilities(1, 1000 + i)[0], 5, "{}", "{}")],
                new AgentRuntime(RuntimeKind.Remote, null), null);
            var decision = await grains.GetGrain<IAgentGrain>(key.Did.Value).RegisterAsync(new RegisterAgent(key.Did, manifest), ct);
            if (decision.Rejection is not null)
            {
                throw new InvalidOperationException($"registration refused: {decision.Rejection}");
            }
        });

    private static async Task<float[][]> EmbedAsync(ITextEmbedder embedder, IReadOnlyList<string> texts) =>
        [.. (await Task.WhenAll(texts.Chunk(64).Select(batch => embedder.EmbedAsync(batch)))).SelectMany(r => r)];

    private static float[][]? ReadVectors(string path, int count, int dimensions)
    {
        if (!File.Exists(path) || new FileInfo(path).Length != (long)count * dimensions * sizeof(float))
        {
            return null;
        }

        using var reader = new BinaryReader(File.OpenRead(path));
        return [.. Enumerable.Range(0, count).Select(_ => MemoryMarshal.Cast<byte, float>(reader.ReadBytes(dimensions * sizeof(float))).ToArray())];
    }

    private static void WriteVectors(string path, float[][] vectors)
    {
        using var file = File.Create(path);
        foreach (var vector in vectors)
        {
            file.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
        }
    }

    private static string Percentiles(LatencyHistogram h) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {h.PercentileMicros(0.50) / 1000:F3} ms, p99 {h.PercentileMicros(0.99) / 1000:F3} ms ({h.Count} calls)");

    private static void Row(string what, TimeSpan took, string result) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {(took == TimeSpan.Zero ? "" : $"{took.TotalSeconds:F1} s")} | {result} |"));
}
