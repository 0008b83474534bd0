using Ainur.Protocol.Identity;

namespace Ainur.Protocol.HttpSignatures;

/// <summary>
/// Verifies RFC 9421 HTTP Message Signatures made by <see cref="HttpMessageSigner"/> or any client following the
/// same profile. It does not detect replays: callers keep <see cref="SignatureCheck.Signature"/> in a seen-store
/// for <see cref="SignaturePolicy.MaxAge"/>.
/// </summary>
public static class HttpMessageVerifier
{
    /// <summary>The <c>Signature-Input</c> field name.</summary>
    public const string SignatureInputField = "signature-input";

    /// <summary>The <c>Signature</c> field name.</summary>
    public const string SignatureField = "signature";

    // Fields this long are not a single Ed25519 signature; refusing them bounds the parser's work.
    private const int MaxFieldLength = 8 * 1024;
    private const int SignatureLength = 64;

    /// <summary>
    /// Verifies the request's signature against the profile: one signature (or the one labelled <c>sig1</c>), covering
    /// <c>@method</c>, either <c>@target-uri</c> (which needs <see cref="HttpRequestParts.Scheme"/>) or <c>@authority</c>,
    /// <c>@path</c> and <c>@query</c> when the query is not empty, and <c>content-digest</c> when <paramref name="hasBody"/>; covered content digests must match
    /// <see cref="HttpRequestParts.Body"/>; <c>created</c> within <paramref name="policy"/> of
    /// <paramref name="nowUnixSeconds"/>; <c>alg</c>, if given, <c>ed25519</c>; <c>keyid</c> an Ed25519 DID whose key
    /// verifies the signature. Never throws for any request content.
    /// </summary>
    public static SignatureCheck Verify(HttpRequestParts request, bool hasBody, long nowUnixSeconds, SignaturePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);

        var inputField = request.Header(SignatureInputField);
        var signatureField = request.Header(SignatureField);
        if (inputField is null || signatureField is null)
        {
            return SignatureCheck.Fail(SignatureFailure.Missing, "the request has no Signature-Input or Signature field");
        }

        if (inputField.Length > MaxFieldLength || signatureField.Length > MaxFieldLength)
        {
            return SignatureCheck.Fail(SignatureFailure.Malformed, "signature fields are too long");
        }

        if (!StructuredFields.TryParseDictionary(inputField, out var inputs, out var error))
        {
            return SignatureCheck.Fail(SignatureFailure.Malformed, $"Signature-Input: {error}");
        }

        if (!StructuredFields.TryParseDictionary(signatureField, out var signatures, out error))
        {
            return SignatureCheck.Fail(SignatureFailure.Malformed, $"Signature: {error}");
        }

        var input = inputs.Count == 1 ? inputs[0] : inputs.Find(m => m.Key == SignatureBase.Label);
        if (input is null)
        {
            return SignatureCheck.Fail(SignatureFailure.Malformed, $"several signatures and none labelled {SignatureBase.Label}");
        }

        var signatureMember = signatures.Find(m => m.Key == input.Key);
        if (signatureMember is not { Value: { IsInnerList: false, Item: { Kind: SfKind.ByteSequence, Bytes: { } signature } } })
        {
            return SignatureCheck.Fail(SignatureFailure.Malformed, $"no byte-sequence Signature for label {input.Key}");
        }

        if (signature.Length != SignatureLength)
        {
            return SignatureCheck.Fail(SignatureFailure.Malformed, "an Ed25519 signature is 64 bytes");
        }

        return VerifyInput(request, hasBody, nowUnixSeconds, policy, input, signature);
    }

    private static SignatureCheck VerifyInput(
        HttpRequestParts request, bool hasBody, long now, SignaturePolicy policy, SfMember input, byte[] signature)
    {
        if (input.Value.InnerList is not { } items)
        {
            return SignatureCheck.Fail(SignatureFailure.Malformed, "Signature-Input member is not an inner list", signature: signature);
        }

        var components = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (item.Item is not { Kind: SfKind.String, Text: { } name } || item.Parameters.Count != 0)
            {
                return SignatureCheck.Fail(SignatureFailure.Malformed, "covered components must be plain strings", signature: signature);
            }

            if (name.Length == 0 || name.Any(char.IsUpper) || components.Contains(name))
            {
                return SignatureCheck.Fail(SignatureFailure.Malformed, $"bad or repeated component \"{name}\"", signature: signature);
            }

            components.Add(name);
        }

        if (input.Value.Parameter("alg") is { } alg && alg is not { Kind: SfKind.String, Text: SignatureBase.Algorithm })
        {
            return SignatureCheck.Fail(SignatureFailure.UnsupportedAlgorithm, $"only alg=\"{SignatureBase.Algorithm}\" is accepted", signature: signature);
        }

        if (input.Value.Parameter("keyid") is not { Kind: SfKind.String, Text: { } keyId })
        {
            return SignatureCheck.Fail(SignatureFailure.InvalidKeyId, "keyid must be a string holding the signer's DID", signature: signature);
        }

        if (!Did.TryParse(keyId, out var signer, out var didError))
        {
            return SignatureCheck.Fail(SignatureFailure.InvalidKeyId, $"keyid is not a DID: {didError}", signature: signature);
        }

        if (input.Value.Parameter("created") is not { Kind: SfKind.Integer, Integer: var created })
        {
            return SignatureCheck.Fail(SignatureFailure.Malformed, "created must be an integer", signer, signature);
        }

        if (input.Value.Parameter("nonce") is { Kind: not SfKind.String }
            || input.Value.Parameter("expires") is { Kind: not SfKind.Integer })
        {
            return SignatureCheck.Fail(SignatureFailure.Malformed, "nonce must be a string and expires an integer", signer, signature, created);
        }

        var missing = RequiredComponents(request, hasBody, components).Where(c => !components.Contains(c)).ToList();
        if (missing.Count != 0)
        {
            return SignatureCheck.Fail(
                SignatureFailure.MissingComponent, $"the signature must cover {string.Join(", ", missing)}", signer, signature, created);
        }

        if (now - created > (long)policy.MaxAge.TotalSeconds
            || input.Value.Parameter("expires") is { Integer: var expires } && expires < now)
        {
            return SignatureCheck.Fail(SignatureFailure.Expired, "the signature is too old", signer, signature, created);
        }

        if (created - now > (long)policy.MaxFutureSkew.TotalSeconds)
        {
            return SignatureCheck.Fail(SignatureFailure.FromFuture, "the signature was created in the future", signer, signature, created);
        }

        var problem = SignatureBase.TryBuild(request, components, input.Raw, out var signatureBase, out var component);
        if (problem != SignatureBase.Problem.None)
        {
            return problem == SignatureBase.Problem.MissingField
                ? SignatureCheck.Fail(SignatureFailure.MissingComponent, $"covered field {component} is absent", signer, signature, created)
                : SignatureCheck.Fail(SignatureFailure.Malformed, $"component {component} is not supported", signer, signature, created);
        }

        if (components.Contains(ContentDigest.FieldName)
            && !ContentDigest.Matches(request.Header(ContentDigest.FieldName), request.Body.Span))
        {
            return SignatureCheck.Fail(SignatureFailure.DigestMismatch, "Content-Digest does not match the body", signer, signature, created);
        }

        return signer.Verify(signatureBase, signature)
            ? new SignatureCheck(true, signer, signature, created, null, null)
            : SignatureCheck.Fail(SignatureFailure.BadSignature, "the signature does not verify", signer, signature, created);
    }

    private static IEnumerable<string> RequiredComponents(HttpRequestParts request, bool hasBody, List<string> covered)
    {
        yield return SignatureBase.Method;

        // The target URI holds the authority, the path and the query: generic RFC 9421 clients cover it instead.
        if (covered.Contains(SignatureBase.TargetUri))
        {
            yield return SignatureBase.TargetUri;
        }
        else
        {
            yield return SignatureBase.Authority;
            yield return SignatureBase.Path;
            if (request.Query.Length != 0)
            {
                yield return SignatureBase.Query;
            }
        }

        if (hasBody)
        {
            yield return ContentDigest.FieldName;
        }
    }
}
