namespace Ainur.Grains.Discovery.Embeddings;

/// <summary>
/// Query embeddings with a bounded least-recently-used cache in front of the embedder: popular queries repeat, and a
/// cached one costs a dictionary lookup instead of milliseconds of encoding. Keys are the checked query text
/// (white space collapsed); a flood of distinct queries only evicts older ones, never grows the cache.
/// </summary>
public sealed class QueryEmbeddings(ITextEmbedder embedder, int capacity = QueryEmbeddings.DefaultCapacity)
{
    /// <summary>Queries kept by default (each about 1.6 KB).</summary>
    public const int DefaultCapacity = 10_000;

    private readonly LruCache<string, float[]> _byText = new(capacity, StringComparer.Ordinal);

    /// <summary>The embedding of <paramref name="text"/>, and whether it came from the cache.</summary>
    public async Task<(float[] Vector, bool Cached)> GetAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_byText.TryGet(text, out var known))
        {
            return (known, true);
        }

        // Two callers embedding the same new text at once both pay for it; the vectors are equal, the last one is kept.
        var vector = (await embedder.EmbedAsync([text]))[0];
        _byText.Set(text, vector);
        return (vector, false);
    }

    /// <summary>How many queries are cached.</summary>
    public int Count => _byText.Count;
}
