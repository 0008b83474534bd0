namespace Ainur.Grains.Discovery;

/// <summary>
/// A bounded map that evicts the least recently used entry when full: a flood of distinct keys (queries from clients)
/// only pushes older entries out, never grows memory. Thread safe; shared by the grains of one silo.
/// </summary>
public sealed class LruCache<TKey, TValue>(int capacity, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _byKey = new(comparer);
    private readonly LinkedList<(TKey Key, TValue Value)> _recent = new();
    private readonly Lock _lock = new();

    /// <summary>The value kept for <paramref name="key"/>, which becomes the most recently used.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Keeps <paramref name="value"/> for <paramref name="key"/> (replacing any), evicting the oldest entry when full.</summary>
    public void Set(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (_byKey.Remove(key, out var old))
            {
                _recent.Remove(old);
            }

            _byKey[key] = _recent.AddFirst((key, value));
            if (_byKey.Count > capacity && _recent.Last is { } oldest)
            {
                _recent.RemoveLast();
                _byKey.Remove(oldest.Value.Key);
            }
        }
    }

    /// <summary>How many entries are kept.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byKey.Count;
            }
        }
    }
}
