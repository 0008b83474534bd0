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

    private readonly Dictionary<string, LinkedListNode<(string Text, float[] Vector)>> _byText = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, float[] Vector)> _recent = new();
    private readonly Lock _lock = new();

    /// <summary>The embedding of <paramref name="text"/>, and whether it came from the cache.</summary>
    public (float[] Vector, bool Cached) Get(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_lock)
        {
            if (_byText.TryGetValue(text, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                return (node.Value.Vector, true);
            }
        }

        var vector = embedder.Embed([text])[0];
        lock (_lock)
        {
            if (!_byText.ContainsKey(text))
            {
                _byText[text] = _recent.AddFirst((text, vector));
                if (_byText.Count > capacity && _recent.Last is { } oldest)
                {
                    _recent.RemoveLast();
                    _byText.Remove(oldest.Value.Text);
                }
            }
        }

        return (vector, false);
    }

    /// <summary>How many queries are cached.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byText.Count;
            }
        }
    }
}
