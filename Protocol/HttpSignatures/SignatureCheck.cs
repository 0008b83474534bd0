using Ainur.Protocol.Identity;

namespace Ainur.Protocol.HttpSignatures;

/// <summary>
/// The outcome of <see cref="HttpMessageVerifier.Verify"/>. When <see cref="Ok"/>, <see cref="Signer"/>,
/// <see cref="Signature"/> (64 bytes, for the caller's replay store) and <see cref="Created"/> (Unix seconds) are set
/// and <see cref="Failure"/> is null. On failure, <see cref="Failure"/> and <see cref="Detail"/> (a reason safe to
/// show the client) are set, and the other members hold what was learnt before the failure, else defaults.
/// </summary>
public sealed record SignatureCheck(
    bool Ok, Did Signer, ReadOnlyMemory<byte> Signature, long Created, SignatureFailure? Failure, string? Detail)
{
    internal static SignatureCheck Fail(SignatureFailure failure, string detail, Did signer = default, byte[]? signature = null, long created = 0) =>
        new(false, signer, signature, created, failure, detail);
}
