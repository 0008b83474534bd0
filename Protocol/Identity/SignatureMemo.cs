using Ainur.Protocol.Caching;
using Ainur.Protocol.Hashing;
using NSec.Cryptography;

namespace Ainur.Protocol.Identity;

/// <summary>
/// The signatures this process has found valid, so that checking the same one again costs a hash and a lookup instead
/// of an Ed25519 verification. The same signature is checked many times in one process: every vote and proposal by
/// each validator hosted there, a voucher by its budget and then by each validator, an orchestrator batch by each
/// validator. Only successes are kept, under a Blake2b-256 of key, signature and message, so a different key, message
/// or signature never matches one. Bounded: two generations of <see cref="Capacity"/> entries each, the older dropped
/// when the newer fills; forgetting only costs a verification. Thread-safe.
/// </summary>
public static class SignatureMemo
{
    /// <summary>Entries per generation of the process-wide memo.</summary>
    public const int Capacity = 1 << 16;

    private static readonly Memo Shared = new(Capacity);

    /// <summary>What <see cref="Did.Verify"/> answers for the same arguments.</summary>
    public static bool Verify(Did signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => Shared.Verify(signer, data, signature);

    /// <summary>One memo of <c>capacity</c> entries per generation (separate ones only in tests).</summary>
    internal sealed class Memo(int capacity)
    {
        private readonly GenerationalCache<Hash32, bool> _valid = new(capacity);
        private long _verifications;

        /// <summary>The Ed25519 verifications this memo has run (the checks it could not answer itself).</summary>
        public long Verifications => Interlocked.Read(ref _verifications);

        public bool Verify(Did signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            var key = Key(signer, data, signature);
            if (_valid.TryGet(key, out _))
            {
                return true;
            }

            Interlocked.Increment(ref _verifications);
            if (!signer.Verify(data, signature))
            {
                return false;
            }

            _valid.Add(key, true);
            return true;
        }

        private static Hash32 Key(Did signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            IncrementalHash.Initialize(HashAlgorithm.Blake2b_256, out var state);
            IncrementalHash.Update(ref state, signer.PublicKey.Span);
            IncrementalHash.Update(ref state, signature);
            IncrementalHash.Update(ref state, data);
            return new Hash32(IncrementalHash.Finalize(ref state));
        }
    }
}
