using Ainur.Protocol.HttpSignatures;

namespace Ainur.Gateway.Authentication;

/// <summary>Stable kebab-case codes for refused signatures: the problem type suffix and the metric's reason label.</summary>
internal static class FailureCodes
{
    public const string Replayed = "replayed";

    /// <summary>The request's Host is not one of the gateway's public authorities (421).</summary>
    public const string Misdirected = "misdirected";

    public static string For(SignatureFailure failure) => failure switch
    {
        SignatureFailure.Missing => "missing",
        SignatureFailure.Malformed => "malformed",
        SignatureFailure.UnsupportedAlgorithm => "unsupported-algorithm",
        SignatureFailure.InvalidKeyId => "invalid-keyid",
        SignatureFailure.MissingComponent => "missing-component",
        SignatureFailure.Expired => "expired",
        SignatureFailure.FromFuture => "from-future",
        SignatureFailure.DigestMismatch => "digest-mismatch",
        SignatureFailure.BadSignature => "bad-signature",
        _ => "invalid",
    };
}
