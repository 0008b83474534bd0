using System.Globalization;
using System.Text;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.HttpSignatures;

/// <summary>Signs requests with RFC 9421 HTTP Message Signatures, algorithm <c>ed25519</c>, label <c>sig1</c>.</summary>
public static class HttpMessageSigner
{
    /// <summary>
    /// Signs <paramref name="request"/>, covering <c>@method</c>, <c>@authority</c>, <c>@path</c>, <c>@query</c> when
    /// the query is not empty, and <c>content-digest</c> when <paramref name="hasBody"/>; parameters <c>created</c>,
    /// <c>keyid</c> (the key's DID), <c>alg="ed25519"</c> and the optional <c>nonce</c>. Returns the values of the
    /// <c>Signature-Input</c> and <c>Signature</c> fields to add to the request.
    /// </summary>
    /// <param name="key">The signer.</param>
    /// <param name="request">The request; with a body, its <c>Content-Digest</c> field (see <see cref="ContentDigest.Compute"/>) must already be set.</param>
    /// <param name="hasBody">Whether the request carries content.</param>
    /// <param name="createdUnixSeconds">The signing time, Unix seconds.</param>
    /// <param name="nonce">Optional printable-ASCII nonce.</param>
    /// <exception cref="ArgumentException">A body without a Content-Digest field, a bad nonce, or header values with line breaks.</exception>
    public static (string SignatureInput, string Signature) Sign(
        AgentKey key, HttpRequestParts request, bool hasBody, long createdUnixSeconds, string? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(request);
        if (nonce is not null && !StructuredFields.IsValidString(nonce))
        {
            throw new ArgumentException("The nonce must be printable ASCII.", nameof(nonce));
        }

        var components = new List<string> { SignatureBase.Method, SignatureBase.Authority, SignatureBase.Path };
        if (request.Query.Length != 0)
        {
            components.Add(SignatureBase.Query);
        }

        if (hasBody)
        {
            components.Add(ContentDigest.FieldName);
        }

        var parameters = new StringBuilder("(")
            .AppendJoin(' ', components.Select(StructuredFields.SerializeString))
            .Append(");created=").Append(createdUnixSeconds.ToString(CultureInfo.InvariantCulture))
            .Append(";keyid=").Append(StructuredFields.SerializeString(key.Did.Value))
            .Append(";alg=").Append(StructuredFields.SerializeString(SignatureBase.Algorithm));
        if (nonce is not null)
        {
            parameters.Append(";nonce=").Append(StructuredFields.SerializeString(nonce));
        }

        var signatureParams = parameters.ToString();
        var problem = SignatureBase.TryBuild(request, components, signatureParams, out var signatureBase, out var component);
        if (problem != SignatureBase.Problem.None)
        {
            throw new ArgumentException(
                component == ContentDigest.FieldName
                    ? "A request with a body needs its Content-Digest field set before signing."
                    : $"Cannot sign component {component}: it is missing or holds a line break.",
                nameof(request));
        }

        var signature = key.Sign(signatureBase);
        return (SignatureBase.Label + "=" + signatureParams, SignatureBase.Label + "=:" + Convert.ToBase64String(signature) + ":");
    }
}
