using System.Collections.Concurrent;

namespace Ainur.Grains.Security;

/// <summary>
/// <see cref="ISeenSignatureStore"/> for the explicit in-memory storage mode: one process only, forgotten
/// on restart. Expiry is judged by <see cref="TimeProvider"/>.
/// </summary>
public sealed class InMemorySeenSignatureStore(TimeProvider clock) : ISeenSignatureStore
{
    // One sweep per this many accepted signatures keeps memory near the live set without a timer.
    private const int PurgeEvery = 1024;

    // Keyed by the hash's hex text: strings bring value equality that byte arrays lack.
    private readonly ConcurrentDictionary<string, Seen> _seen = new(StringComparer.Ordinal);
    private int _recordedSincePurge;

    /// <summary>Uses the system clock.</summary>
    public InMemorySeenSignatureStore() : this(TimeProvider.System)
    {
    }

    /// <summary>Number of records held, expired ones not yet purged included.</summary>
    public int Count => _seen.Count;

    /// <inheritdoc />
    public ValueTask<bool> TryRecordAsync(ReadOnlyMemory<byte> signatureHash, DateTimeOffset expiresAt, Guid requestId, CancellationToken ct)
    {
        if (signatureHash.IsEmpty) throw new ArgumentException("A signature hash is required.", nameof(signatureHash));

        var key = Convert.ToHexString(signatureHash.Span);
        var recorded = TryRecord(key, new Seen(expiresAt, requestId));
        if (recorded && Interlocked.Increment(ref _recordedSincePurge) % PurgeEvery == 0)
        {
            PurgeExpired();
        }
        return ValueTask.FromResult(recorded);
    }

    /// <summary>Forgets every expired record.</summary>
    /// <returns>The number of records removed.</returns>
    public int PurgeExpired()
    {
        var now = clock.GetUtcNow();
        var removed = 0;
        foreach (var (key, seen) in _seen)
        {
            // Removes only the pair seen: a concurrent take-over with a new expiry survives.
            if (seen.ExpiresAt < now && _seen.TryRemove(KeyValuePair.Create(key, seen))) removed++;
        }
        return removed;
    }

    private bool TryRecord(string key, Seen next)
    {
        while (true)
        {
            if (_seen.TryAdd(key, next)) return true;
            if (!_seen.TryGetValue(key, out var existing)) continue;      // purged meanwhile: add again
            if (existing.ExpiresAt >= clock.GetUtcNow() && existing.RequestId != next.RequestId) return false;
            if (_seen.TryUpdate(key, next, existing)) return true;        // compare-and-set on the expired (or own) value
        }
    }

    private readonly record struct Seen(DateTimeOffset ExpiresAt, Guid RequestId);
}
