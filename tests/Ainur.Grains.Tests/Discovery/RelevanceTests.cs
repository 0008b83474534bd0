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
    public async Task Search_LabelledNeeds_RelevantCapabilityInTopFive()
    {
        var capabilities = Load<CapabilityFile>("capabilities.json").Capabilities;
        var queries = Load<QueryFile>("queries.json").Queries;
        Assert.True(capabilities.Length >= 200 && queries.Length >= 100);
        Assert.DoesNotContain(queries, q => capabilities.Any(c => c.Description.Contains(q.Q, StringComparison.OrdinalIgnoreCase)));

        var embedder = MiniLmEmbedder.Shared;
        var vectors = await embedder.EmbedAsync([.. capabilities.Select(c => DiscoveryText.ForCapability(c.Id, c.Description))], TestContext.Current.CancellationToken);
        using var index = new VectorIndex(embedder.Dimensions);
        for (var i = 0; i < vectors.Length; i++)
        {
            index.Add((ulong)i, vectors[i]);
        }

        var queryVectors = await embedder.EmbedAsync([.. queries.Select(q => DiscoveryQuery.TryCreate(q.Q, 5, out _)!.Text)], TestContext.Current.CancellationToken);
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

    /// <summary>
    /// How the similarity thresholds treat unseen needs: of the labelled needs whose best capability is a correct one,
    /// how many that best answer the threshold (routing) and the noise floor (discover) cut; and needs no capability
    /// answers, which routing must not send anywhere. Printed as the test's output.
    /// </summary>
    [Fact]
    public async Task Thresholds_LabelledAndUnrelatedNeeds_FewCorrectAnswersCut_UnrelatedNotRouted()
    {
        var capabilities = Load<CapabilityFile>("capabilities.json").Capabilities;
        var queries = Load<QueryFile>("queries.json").Queries;
        var embedder = MiniLmEmbedder.Shared;
        var vectors = await embedder.EmbedAsync([.. capabilities.Select(c => DiscoveryText.ForCapability(c.Id, c.Description))], TestContext.Current.CancellationToken);
        var needs = await embedder.EmbedAsync([.. queries.Select(q => q.Q).Concat(Unrelated).Select(q => DiscoveryQuery.TryCreate(q, 5, out _)!.Text)], TestContext.Current.CancellationToken);
        var best = needs.Select(n => vectors.Select((v, i) => (capabilities[i].Id, Similarity: (double)Vectors.Dot(n, v))).MaxBy(h => h.Similarity)).ToList();

        var correct = best.Take(queries.Length).Where((b, i) => queries[i].Relevant.Contains(b.Id)).Select(b => b.Similarity).ToList();
        var unrelated = best.Skip(queries.Length).Select(b => b.Similarity).ToList();
        var cutByThreshold = correct.Count(s => s < Routing.DefaultThreshold);
        var cutByFloor = correct.Count(s => s < Routing.NoiseFloor);
        var routed = unrelated.Count(s => s >= Routing.DefaultThreshold);
        var output = TestContext.Current.TestOutputHelper!;
        output.WriteLine($"correct best answers: {correct.Count} of {queries.Length} needs; similarity min {correct.Min():0.000}, median {Median(correct):0.000}");
        output.WriteLine($"cut by the threshold {Routing.DefaultThreshold} (not routed): {cutByThreshold} ({(double)cutByThreshold / correct.Count:P1})");
        output.WriteLine($"cut by the noise floor {Routing.NoiseFloor} (not shown): {cutByFloor} ({(double)cutByFloor / correct.Count:P1})");
        output.WriteLine($"unrelated needs' best match: {string.Join(", ", unrelated.Select(s => s.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))}; " +
            $"routed (at or above the threshold): {routed} of {unrelated.Count}, shown as weak matches: {unrelated.Count(s => s >= Routing.NoiseFloor) - routed}");

        Assert.True(cutByFloor <= correct.Count / 50, $"the noise floor hides {cutByFloor} correct best answers");
        Assert.True(cutByThreshold <= correct.Count / 20, $"the threshold passes over {cutByThreshold} correct best answers");
        Assert.True(routed <= 1, $"{routed} unrelated needs would be routed");
    }

    // Needs no capability in the labelled set answers (small talk, nonsense, statements).
    private static readonly string[] Unrelated =
    [
        "hello there", "the cat sat on the mat", "I am feeling tired today", "purple elephants dance at midnight", "lorem ipsum dolor sit amet",
        "what is the meaning of life", "thanks, that was great", "zxqv blorp", "my favourite colour is green", "it rained yesterday afternoon",
    ];

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static T Load<T>(string name) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Discovery", "relevance", name)), Json)!;
}
