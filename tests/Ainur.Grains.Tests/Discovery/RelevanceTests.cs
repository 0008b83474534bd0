using System.Text.Json;
using Ainur.Grains.Discovery.Embeddings;
using Ainur.Grains.Discovery.Index;
using Ainur.Protocol.Discovery;

namespace Ainur.Grains.Tests.Discovery;

/// <summary>
/// Search quality on a labelled set written for it (relevance/*.json): 210 capability descriptions over 40 domains and
/// 133 needs phrased the way a client would say them (paraphrases, never the description's words copied), each with the
/// capabilities that answer it. The real MiniLM model and the real HNSW index, as the shards use them.
/// </summary>
public sealed class RelevanceTests
{
    private sealed record CapabilityCase(string Id, string Description);

    private sealed record QueryCase(string Q, string[] Relevant);

    private sealed record CapabilityFile(CapabilityCase[] Capabilities);

    private sealed record QueryFile(QueryCase[] Queries);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Search_LabelledNeeds_RelevantCapabilityInTopFive()
    {
        var capabilities = Load<CapabilityFile>("capabilities.json").Capabilities;
        var queries = Load<QueryFile>("queries.json").Queries;
        Assert.True(capabilities.Length >= 200 && queries.Length >= 100);
        Assert.DoesNotContain(queries, q => capabilities.Any(c => c.Description.Contains(q.Q, StringComparison.OrdinalIgnoreCase)));

        var embedder = MiniLmEmbedder.Shared;
        var vectors = embedder.Embed([.. capabilities.Select(c => DiscoveryText.ForCapability(c.Id, c.Description))]);
        using var index = new VectorIndex(embedder.Dimensions);
        for (var i = 0; i < vectors.Length; i++)
        {
            index.Add((ulong)i, vectors[i]);
        }

        var queryVectors = embedder.Embed([.. queries.Select(q => DiscoveryQuery.TryCreate(q.Q, 5, out _)!.Text)]);
        var misses = new List<string>();
        for (var i = 0; i < queries.Length; i++)
        {
            var top = index.Search(queryVectors[i], 5).Select(h => capabilities[(int)h.Key].Id).ToList();
            if (!queries[i].Relevant.Any(top.Contains))
            {
                misses.Add($"{queries[i].Q} -> {string.Join(", ", top)}");
            }
        }

        var hitRate = 1 - (double)misses.Count / queries.Length;
        Assert.True(hitRate >= 0.9, $"top-5 hit rate {hitRate:0.000}; misses:\n{string.Join("\n", misses)}");
    }

    private static T Load<T>(string name) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Discovery", "relevance", name)), Json)!;
}
