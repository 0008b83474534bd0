namespace Ainur.Protocol.HttpSignatures;

/// <summary>Why <see cref="HttpMessageVerifier"/> refused a request.</summary>
public enum SignatureFailure
{
    /// <summary>No <c>Signature-Input</c> or no <c>Signature</c> field.</summary>
    Missing,

    /// <summary>The fields are not valid structured fields, or required parameters are absent or mistyped.</summary>
    Malformed,

    /// <summary>The <c>alg</c> parameter names something other than <c>ed25519</c>.</summary>
    UnsupportedAlgorithm,

    /// <summary>The <c>keyid</c> parameter is not an Ed25519 <c>did:key</c>.</summary>
    InvalidKeyId,

    /// <summary>A component the policy requires is not covered, or a covered field is absent from the request.</summary>
    MissingComponent,

    /// <summary><c>created</c> is older than <see cref="SignaturePolicy.MaxAge"/>, or <c>expires</c> has passed.</summary>
    Expired,

    /// <summary><c>created</c> is further ahead than <see cref="SignaturePolicy.MaxFutureSkew"/>.</summary>
    FromFuture,

    /// <summary>The covered <c>Content-Digest</c> does not match the body.</summary>
    DigestMismatch,

    /// <summary>The Ed25519 signature does not verify with the <c>keyid</c>'s key.</summary>
    BadSignature,
}
