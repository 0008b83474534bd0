using Cloud.Unum.USearch;

namespace Ainur.Grains.Discovery.Index;

/// <summary>
/// An HNSW index (USearch) of unit vectors by cosine similarity, under keys the caller assigns. Additions wait in a
/// buffer and go in as one batch before the next search: USearch grows its capacity by one per single addition, which
/// makes one-by-one loading quadratic. Keys are never reused: a changed vector takes a new key (USearch throws on a
/// duplicate key). The index lives in native memory only and is never saved to a file (so the search expansion, which a
/// loaded file would not restore, is always the one set here); after a restart its owner rebuilds it.
/// </summary>
public sealed class VectorIndex : IDisposable
{
    /// <summary>Graph degree: USearch's default, good recall on sentence embeddings at 384 dimensions.</summary>
    public const int Connectivity = 16;

    /// <summary>Candidates kept while inserting.</summary>
    public const int ExpansionAdd = 128;

    /// <summary>Candidates kept while searching: recall@10 above 0.99 on MiniLM vectors at 100k in the benchmark.</summary>
    public const int ExpansionSearch = 96;

    private readonly USearchIndex _index;
    private readonly Dictionary<ulong, float[]> _pending = [];
    private readonly int _dimensions;

    /// <summary>An empty index of <paramref name="dimensions"/>-long vectors.</summary>
    public VectorIndex(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        _dimensions = dimensions;
        _index = new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)dimensions, Connectivity, ExpansionAdd, ExpansionSearch, false);
    }

    /// <summary>Vectors held, including those not yet inserted.</summary>
    public int Count => (int)_index.Size() + _pending.Count;

    /// <summary>Adds <paramref name="vector"/> under a key not used before.</summary>
    public void Add(ulong key, float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (vector.Length != _dimensions)
        {
            throw new ArgumentException($"Expected {_dimensions} dimensions, got {vector.Length}.", nameof(vector));
        }

        _pending.Add(key, vector);
    }

    /// <summary>Removes <paramref name="key"/> (nothing when absent).</summary>
    public void Remove(ulong key)
    {
        if (!_pending.Remove(key) && _index.Contains(key))
        {
            _index.Remove(key);
        }
    }

    /// <summary>The vector under <paramref name="key"/>, or null when there is none.</summary>
    public float[]? TryGet(ulong key)
    {
        if (_pending.TryGetValue(key, out var pending))
        {
            return pending;
        }

        return _index.Contains(key) && _index.Get(key, out float[] vector) > 0 ? vector : null;
    }

    /// <summary>Up to <paramref name="k"/> keys nearest <paramref name="query"/>, with cosine similarity, most similar first.</summary>
    public IReadOnlyList<(ulong Key, float Similarity)> Search(float[] query, int k)
    {
        ArgumentNullException.ThrowIfNull(query);
        Flush();
        var size = (int)_index.Size();
        if (k <= 0 || size == 0)
        {
            return [];
        }

        var found = _index.Search(query, Math.Min(k, size), out var keys, out var distances);
        var result = new (ulong, float)[found];
        for (var i = 0; i < found; i++)
        {
            result[i] = (keys[i], 1 - distances[i]);
        }

        return result;
    }

    /// <summary>Inserts the buffered additions as one batch.</summary>
    public void Flush()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        _index.Add([.. _pending.Keys], [.. _pending.Values]);
        _pending.Clear();
    }

    /// <inheritdoc/>
    public void Dispose() => _index.Dispose();
}
