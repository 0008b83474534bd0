using Ainur.Grains.Discovery.Embeddings;
using Ainur.Grains.Discovery.Index;
using Ainur.Protocol.Discovery;
using Ainur.Testing.Discovery;

namespace Ainur.Grains.Tests.Discovery;

/// <summary>
/// The HNSW index against exact (brute-force) search on real MiniLM embeddings of distinct generated sentences:
/// recall@10 at least 0.95, and the same after a rebuild (what a shard does after a restart: a fresh index filled from
/// stored embeddings). 5k in CI; 100k in the slow tier.
/// </summary>
public sealed class RecallTests
{
    private const int Queries = 200;

    [Fact]
    public Task Search_5k_RecallAtTenAgainstBruteForce_AndAfterRebuild() => CheckAsync(5_000);

    [Fact, Trait("Category", "Slow")]
    public Task Search_100k_RecallAtTenAgainstBruteForce_AndAfterRebuild() => CheckAsync(100_000);

    private static async Task CheckAsync(int count)
    {
        var embedder = MiniLmEmbedder.Shared;
        var vectors = await EmbedAllAsync(embedder, SyntheticTexts.Capabilities(count));
        var queries = await EmbedAllAsync(embedder, SyntheticTexts.Queries(Queries));

        using var first = Build(embedder.Dimensions, vectors);
        var recall = Recall(first, vectors, queries);
        Assert.True(recall >= 0.95, $"recall@10 {recall:0.000} at {count}");

        using var rebuilt = Build(embedder.Dimensions, vectors);
        var again = Recall(rebuilt, vectors, queries);
        Assert.True(again >= 0.95, $"recall@10 after rebuild {again:0.000} at {count}");
    }

    // Batches of 64, two at a time (one per encoder thread): the embedder is the process's, and thousands of texts
    // queued at once would make every other test's registration wait behind them.
    private static async Task<float[][]> EmbedAllAsync(MiniLmEmbedder embedder, IReadOnlyList<string> texts)
    {
        var vectors = new List<float[]>(texts.Count);
        foreach (var pair in texts.Chunk(64).Chunk(2))
        {
            vectors.AddRange((await Task.WhenAll(pair.Select(batch => embedder.EmbedAsync(batch)))).SelectMany(r => r));
        }

        return [.. vectors];
    }

    private static VectorIndex Build(int dimensions, float[][] vectors)
    {
        var index = new VectorIndex(dimensions);
        for (var i = 0; i < vectors.Length; i++)
        {
            index.Add((ulong)i, vectors[i]);
        }

        index.Flush();
        return index;
    }

    private static double Recall(VectorIndex index, float[][] vectors, float[][] queries)
    {
        var found = 0;
        foreach (var query in queries)
        {
            var exact = Vectors.TopK(query, vectors, 10).Select(i => (ulong)i).ToHashSet();
            found += index.Search(query, 10).Count(h => exact.Contains(h.Key));
        }

        return (double)found / (10 * queries.Length);
    }
}
