using System.Collections.Concurrent;

namespace Ainur.Protocol.Caching;

/// <summary>
/// A bounded cache of answers that are only costly, never wrong, to forget: two generations of at most
/// <c>capacity</c> entries each; when the newer fills it becomes the older, and the older is dropped. A lookup tries
/// both, so an entry used often survives one rollover. No eviction bookkeeping on reads. Thread-safe.
/// </summary>
internal sealed class GenerationalCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Lock _rollover = new();
    private Generation _current = new(capacity);
    private Generation _previous = new(capacity);

    public bool TryGet(TKey key, out TValue value) =>
        Volatile.Read(ref _current).TryGet(key, out value) || Volatile.Read(ref _previous).TryGet(key, out value);

    public void Add(TKey key, TValue value)
    {
        var current = Volatile.Read(ref _current);
        if (current.TryAdd(key, value))
        {
            return;
        }

        // Full: the current generation becomes the previous one. A racing add may land in the dropped one; it is only
        // computed again.
        lock (_rollover)
        {
            if (ReferenceEquals(_current, current))
            {
                Volatile.Write(ref _previous, current);
                Volatile.Write(ref _current, new Generation(capacity));
            }
        }

        Volatile.Read(ref _current).TryAdd(key, value);
    }

    private sealed class Generation(int capacity)
    {
        private readonly ConcurrentDictionary<TKey, TValue> _entries = new();
        private int _count;

        public bool TryGet(TKey key, out TValue value) => _entries.TryGetValue(key, out value!);

        /// <summary>False when full (nothing added).</summary>
        public bool TryAdd(TKey key, TValue value)
        {
            if (Volatile.Read(ref _count) >= capacity)
            {
                return false;
            }

            if (_entries.TryAdd(key, value))
            {
                Interlocked.Increment(ref _count);
            }

            return true;
        }
    }
}
