using Orleans.Runtime;

namespace Ainur.Grains.Storage.GroupCommit;

/// <summary>One stored grain state: the state name (of <c>[PersistentState]</c>) and the grain id as text.</summary>
internal readonly record struct StateKey(string StateName, string GrainId) : IComparable<StateKey>
{
    public int CompareTo(StateKey other)
    {
        var byName = string.CompareOrdinal(StateName, other.StateName);
        return byName != 0 ? byName : string.CompareOrdinal(GrainId, other.GrainId);
    }
}

/// <summary>A stored row: <see cref="Payload"/> null is a cleared state (a tombstone that keeps counting versions).</summary>
internal sealed record StoredState(byte[]? Payload, int Version);

/// <summary>An operation waiting for its batch, on the row <see cref="Key"/> names. Completed exactly once by the loop that took it.</summary>
internal interface IPendingOperation<out TKey>
{
    TKey Key { get; }

    /// <summary>The batch failed as a whole (connection lost, store stopped): tells this caller, wrapping <paramref name="cause"/>.</summary>
    void Fail(Exception cause);
}

/// <summary>
/// A write (or a clear, with a null payload) waiting for its group commit; completes with the new version.
/// <see cref="ExpectedVersion"/> 0 means the caller holds no etag, i.e. expects no row.
/// </summary>
internal sealed class PendingWrite(StateKey key, byte[]? payload, int expectedVersion)
    : TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously), IPendingOperation<StateKey>
{
    public StateKey Key => key;

    public byte[]? Payload => payload;

    public int ExpectedVersion => expectedVersion;

    // One exception per caller: a shared instance would have its stack trace rewritten by every awaiter.
    public void Fail(Exception cause) => TrySetException(new OrleansException(
        $"Writing state '{key.StateName}' of grain {key.GrainId} failed; it may or may not be stored (the next write's version check tells).", cause));
}

/// <summary>A read waiting for its batch; completes with the stored row, or null when there is none.</summary>
internal sealed class PendingRead(StateKey key)
    : TaskCompletionSource<StoredState?>(TaskCreationOptions.RunContinuationsAsynchronously), IPendingOperation<StateKey>
{
    public StateKey Key => key;

    public void Fail(Exception cause) => TrySetException(new OrleansException(
        $"Reading state '{key.StateName}' of grain {key.GrainId} failed.", cause));
}
