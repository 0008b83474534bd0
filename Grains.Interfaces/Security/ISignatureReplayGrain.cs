namespace Ainur.Grains.Interfaces.Security;

/// <summary>
/// The cluster-wide memory of request signatures already accepted, so a captured request cannot be sent again to
/// this or any other gateway. Stateless: the record lives in the silo's seen-signature store (PostgreSQL by default).
/// </summary>
[Alias("ainur.ISignatureReplayGrain")]
public interface ISignatureReplayGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records a signature's hash until <paramref name="expiresAt"/> (after which the signature is refused as stale
    /// anyway). True the first time; false for a replay.
    /// </summary>
    [Alias("TryRecord")]
    ValueTask<bool> TryRecordAsync(byte[] signatureHash, DateTimeOffset expiresAt);

    /// <summary>
    /// As <see cref="TryRecordAsync(byte[], DateTimeOffset)"/>, retry-safe: the same <paramref name="requestId"/> again
    /// (a resend after the first answer was lost in a silo failure) is true again; another request with the same
    /// signature is false. The gateway passes one id per HTTP request.
    /// </summary>
    [Alias("TryRecordForRequest")]
    ValueTask<bool> TryRecordAsync(byte[] signatureHash, DateTimeOffset expiresAt, Guid requestId);
}
