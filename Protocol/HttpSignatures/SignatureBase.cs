using System.Text;

namespace Ainur.Protocol.HttpSignatures;

/// <summary>Builds the RFC 9421 §2.5 signature base shared by signer and verifier.</summary>
internal static class SignatureBase
{
    public const string Label = "sig1";
    public const string Algorithm = "ed25519";

    public const string Method = "@method";
    public const string Authority = "@authority";
    public const string Path = "@path";
    public const string Query = "@query";
    public const string TargetUri = "@target-uri";

    public enum Problem
    {
        None,
        UnsupportedComponent,
        MissingField,
    }

    /// <summary>
    /// Builds the base for <paramref name="components"/> (lower-case identifiers) followed by the
    /// <c>@signature-params</c> line holding <paramref name="signatureParams"/> verbatim. Returns the failing
    /// component on a problem.
    /// </summary>
    public static Problem TryBuild(
        HttpRequestParts request, IEnumerable<string> components, string signatureParams, out byte[] signatureBase, out string? component)
    {
        signatureBase = [];
        var text = new StringBuilder();
        foreach (var name in components)
        {
            component = name;
            string? value = name switch
            {
                Method => request.Method,
                Authority => request.Authority.ToLowerInvariant(),
                Path => request.Path.Length == 0 ? "/" : request.Path,
                Query => request.Query.Length == 0 ? "?" : request.Query,
                TargetUri => TargetUriOf(request),
                _ when name.StartsWith('@') => null,
                _ => request.Header(name)?.Trim(' ', '\t'),
            };

            if (value is null)
            {
                return name.StartsWith('@') ? Problem.UnsupportedComponent : Problem.MissingField;
            }

            // A line break inside a value would let one component forge the next line of the base.
            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                return Problem.UnsupportedComponent;
            }

            text.Append('"').Append(name).Append("\": ").Append(value).Append('\n');
        }

        text.Append("\"@signature-params\": ").Append(signatureParams);
        signatureBase = Encoding.UTF8.GetBytes(text.ToString());
        component = null;
        return Problem.None;
    }

    // RFC 9421 §2.2.2: the absolute target URI, scheme://authority/path?query, as the client addressed it.
    private static string? TargetUriOf(HttpRequestParts request) =>
        request.Scheme is { Length: > 0 } scheme
            ? scheme + "://" + request.Authority.ToLowerInvariant() + (request.Path.Length == 0 ? "/" : request.Path) + request.Query
            : null;
}
