using Ainur.Grains.Storage.GroupCommit;
using Npgsql;

namespace Ainur.Grains.Security;

/// <summary>
/// A signature hash waiting for its group commit in <see cref="PostgresSeenSignatureStore"/>; completes true when
/// recorded (or re-recorded by the same request), false for a replay. Keyed by the hash's hex text, which brings the
/// value equality that byte arrays lack.
/// </summary>
internal sealed class PendingSignature(byte[] hash, DateTimeOffset expiresAt, Guid requestId)
    : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously), IPendingOperation<string>
{
    public string Key { get; } = Convert.ToHexString(hash);

    public byte[] Hash => hash;

    /// <summary>In UTC: PostgreSQL's timestamptz takes no other offset.</summary>
    public DateTimeOffset ExpiresAt { get; } = expiresAt.ToUniversalTime();

    public Guid RequestId => requestId;

    // One exception per caller: a shared instance would have its stack trace rewritten by every awaiter. An
    // NpgsqlException as before batching, so callers see the same type (and IsTransient looks at the cause).
    public void Fail(Exception cause) => TrySetException(new NpgsqlException(
        $"Recording signature hash {Key} failed; it may or may not be recorded (recording it again with the same request id tells).", cause));
}
