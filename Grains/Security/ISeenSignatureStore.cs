namespace Ainur.Grains.Security;

/// <summary>
/// Cluster-wide replay guard for signed requests: remembers signature hashes until they expire, so a
/// captured request cannot be replayed inside its validity window.
/// </summary>
public interface ISeenSignatureStore
{
    /// <summary>
    /// Records <paramref name="signatureHash"/> until <paramref name="expiresAt"/> unless it is already recorded.
    /// A record whose expiry has passed counts as absent and is replaced.
    /// </summary>
    /// <returns>true if this signature hash was not seen before and is now recorded until
    /// <paramref name="expiresAt"/>, or was recorded by the same <paramref name="requestId"/> (a retried call whose
    /// first answer was lost); false if another request recorded it (a replay).</returns>
    ValueTask<bool> TryRecordAsync(ReadOnlyMemory<byte> signatureHash, DateTimeOffset expiresAt, Guid requestId, CancellationToken ct);
}
