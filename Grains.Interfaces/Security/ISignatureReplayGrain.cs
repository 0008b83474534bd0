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
    /// anyway). True the first time, and again for the same <paramref name="requestId"/> (a resend after the first
    /// answer was lost in a silo failure); false for any other request with that signature: a replay. The gateway
    /// passes one id per HTTP request.
    /// </summary>
    [Alias("TryRecord")]
    ValueTask<bool> TryRecordAsync(byte[] signatureHash, DateTimeOffset expiresAt, Guid requestId);
}
