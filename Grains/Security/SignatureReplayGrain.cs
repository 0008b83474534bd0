using Ainur.Grains.Interfaces.Security;
using Orleans.Concurrency;

namespace Ainur.Grains.Security;

/// <summary>
/// Local entry point to the seen-signature store: a stateless worker, so the check runs on the gateway's own silo
/// and the store (one row per signature, unique in PostgreSQL) makes it cluster-wide. Reentrant: it holds no state
/// and both stores are thread-safe, while a stateless worker that is not would run at most one store round trip per
/// core at a time (2 on a 2-core node), capping every signed request behind a handful of commits.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class SignatureReplayGrain(ISeenSignatureStore store) : Grain, ISignatureReplayGrain
{
    ValueTask<bool> ISignatureReplayGrain.TryRecordAsync(byte[] signatureHash, DateTimeOffset expiresAt, Guid requestId) =>
        store.TryRecordAsync(signatureHash, expiresAt, requestId, CancellationToken.None);
}
