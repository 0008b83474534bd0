using System.Net.Http.Headers;
using System.Text;
using Ainur.Protocol.HttpSignatures;
using Ainur.Protocol.Identity;

namespace Ainur.Testing.Http;

/// <summary>
/// Builds signed requests the way a client does (RFC 9421 ed25519, Content-Digest, fresh nonce), with seams for the
/// ways an attacker would bend them: another <c>created</c>, or a path or body other than the one signed.
/// </summary>
public static class RequestSigner
{
    /// <summary>
    /// A signed JSON <c>POST</c> of <paramref name="body"/> to <paramref name="path"/> on <paramref name="gateway"/>, with
    /// <paramref name="query"/> (empty, or starting with <c>?</c>) appended and signed as <c>@query</c>; or, with
    /// <paramref name="coverTargetUri"/>, signed over <c>@target-uri</c> in its place.
    /// </summary>
    public static HttpRequestMessage SignedPost(
        AgentKey key,
        Uri gateway,
        string path,
        string body,
        long? created = null,
        string? signedPath = null,
        string? signedBody = null,
        string query = "",
        bool coverTargetUri = false)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var digest = ContentDigest.Compute(Encoding.UTF8.GetBytes(signedBody ?? body));
        var parts = new HttpRequestParts(
            "POST",
            gateway.Authority.ToLowerInvariant(),
            signedPath ?? path,
            query,
            name => name.Equals("content-digest", StringComparison.OrdinalIgnoreCase) ? digest : null);
        var createdAt = created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (input, signature) = coverTargetUri
            ? SignOverTargetUri(key, "POST", $"{gateway.Scheme}://{parts.Authority}{parts.Path}{query}", digest, createdAt)
            : HttpMessageSigner.Sign(key, parts, hasBody: true, createdAt, Guid.NewGuid().ToString("N"));

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, path + query)) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Content-Digest", digest);
        request.Headers.TryAddWithoutValidation("Signature-Input", input);
        request.Headers.TryAddWithoutValidation("Signature", signature);
        return request;
    }

    /// <summary>A signed <paramref name="method"/> request of <paramref name="body"/> (any bytes) as <paramref name="contentType"/>.</summary>
    public static HttpRequestMessage SignedBytes(AgentKey key, Uri gateway, HttpMethod method, string path, byte[] body, string contentType)
    {
        var digest = ContentDigest.Compute(body);
        var parts = new HttpRequestParts(method.Method, gateway.Authority.ToLowerInvariant(), path, "", name => name.Equals("content-digest", StringComparison.OrdinalIgnoreCase) ? digest : null);
        var (input, signature) = HttpMessageSigner.Sign(key, parts, hasBody: true, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Guid.NewGuid().ToString("N"));
        var request = new HttpRequestMessage(method, new Uri(gateway, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation("Content-Digest", digest);
        request.Headers.TryAddWithoutValidation("Signature-Input", input);
        request.Headers.TryAddWithoutValidation("Signature", signature);
        return request;
    }

    /// <summary>
    /// A signed <c>GET</c> of <paramref name="path"/> with <paramref name="query"/> (empty, or starting with <c>?</c>,
    /// signed as <c>@query</c>): no body, so no Content-Digest.
    /// </summary>
    public static HttpRequestMessage SignedGet(AgentKey key, Uri gateway, string path, string query = "", long? created = null)
    {
        var parts = new HttpRequestParts("GET", gateway.Authority.ToLowerInvariant(), path, query, _ => null);
        var (input, signature) = HttpMessageSigner.Sign(key, parts, hasBody: false, created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Guid.NewGuid().ToString("N"));
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, path + query));
        request.Headers.TryAddWithoutValidation("Signature-Input", input);
        request.Headers.TryAddWithoutValidation("Signature", signature);
        return request;
    }

    /// <summary>
    /// Sends <paramref name="request"/>, made for another address, to <paramref name="gateway"/> with its Host still the
    /// authority it was signed for, as a proxy or an attacker forwarding it would.
    /// </summary>
    public static HttpRequestMessage SentTo(this HttpRequestMessage request, Uri gateway)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Host = request.RequestUri!.Authority;
        request.RequestUri = new Uri(gateway, request.RequestUri.PathAndQuery);
        return request;
    }

    /// <summary>A copy of a request with the same headers and body, as a replaying attacker would send it.</summary>
    public static async Task<HttpRequestMessage> CopyAsync(HttpRequestMessage original, Uri? to = null)
    {
        var body = await original.Content!.ReadAsByteArrayAsync();
        var uri = to is null ? original.RequestUri! : new Uri(to, original.RequestUri!.PathAndQuery);
        var copy = new HttpRequestMessage(original.Method, uri) { Content = new ByteArrayContent(body) };
        copy.Content.Headers.ContentType = original.Content.Headers.ContentType;
        foreach (var header in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }

    /// <summary>Replaces a header of <paramref name="to"/> with the one <paramref name="from"/> carries.</summary>
    public static void CopyHeader(HttpRequestMessage from, HttpRequestMessage to, string name)
    {
        to.Headers.Remove(name);
        to.Headers.TryAddWithoutValidation(name, from.Headers.GetValues(name));
    }

    /// <summary>
    /// Signs as a generic RFC 9421 library does, the base written out here: <c>@method</c>, <c>@target-uri</c> (the
    /// absolute URI as addressed) and <c>content-digest</c>.
    /// </summary>
    private static (string Input, string Signature) SignOverTargetUri(AgentKey key, string method, string targetUri, string digest, long created)
    {
        var parameters = $"(\"@method\" \"@target-uri\" \"content-digest\");created={created};keyid=\"{key.Did.Value}\";nonce=\"{Guid.NewGuid():N}\"";
        var signatureBase = $"\"@method\": {method}\n\"@target-uri\": {targetUri}\n\"content-digest\": {digest}\n\"@signature-params\": {parameters}";
        return ("sig=" + parameters, "sig=:" + Convert.ToBase64String(key.Sign(Encoding.UTF8.GetBytes(signatureBase))) + ":");
    }

    /// <summary>
    /// A registration body for <paramref name="did"/>: a one-capability remote agent; <paramref name="deterministic"/>
    /// null leaves the capability's optional flag out.
    /// </summary>
    public static string RegistrationBody(Did did, string version = "1.0.0", long price = 5, bool? deterministic = null) => $$$"""
        {"did":"{{{did.Value}}}","manifest":{"name":"summarizer","version":"{{{version}}}","capabilities":[
          {"id":"text.summarize","description":"Summarizes English text.","price":{{{price}}},{{{(deterministic is { } flag ? $"\"deterministic\":{(flag ? "true" : "false")}," : "")}}}
           "inputSchema":{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]},
           "outputSchema":{"type":"object"}}],
         "runtime":{"kind":"remote"},"endpoint":"https://agent.example/run"}}
        """;
}
