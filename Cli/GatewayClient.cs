using System.Net;
using System.Net.Http.Headers;
using Ainur.Protocol.HttpSignatures;
using Ainur.Protocol.Identity;

namespace Ainur.Cli;

/// <summary>The gateway's answer: status and body as text.</summary>
internal sealed record GatewayResponse(HttpStatusCode Status, string Body);

/// <summary>
/// Calls the gateway over HTTP. Signed calls carry RFC 9421 signatures (<c>created</c> = now, a fresh nonce) and,
/// with a body, an RFC 9530 Content-Digest. Network failures become <see cref="CliException"/> with exit code 4.
/// </summary>
internal sealed class GatewayClient(Uri baseAddress, HttpMessageHandler? handler) : IDisposable
{
    public const string GatewayVariable = "AINUR_GATEWAY";
    public const string DefaultGateway = "http://127.0.0.1:5080";

    private readonly HttpClient _http = new(handler ?? new HttpClientHandler(), disposeHandler: handler is null)
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static GatewayClient Create(CliContext context, string? gateway)
    {
        var text = gateway ?? context.Environment(GatewayVariable) ?? DefaultGateway;
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException(ExitCodes.Input, $"error: gateway address '{text}' is not an http(s) URL.");
        }

        return new GatewayClient(uri, context.HttpHandler);
    }

    public Task<GatewayResponse> GetAsync(string path, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);

    /// <summary>A signed GET (no body, so no Content-Digest); the query is covered as <c>@query</c>.</summary>
    public Task<GatewayResponse> GetSignedAsync(string path, AgentKey key, CancellationToken ct) =>
        SendAsync(Sign(new HttpRequestMessage(HttpMethod.Get, path), null, key), ct);

    public Task<GatewayResponse> PostSignedAsync(string path, byte[] body, AgentKey key, CancellationToken ct) =>
        SendSignedAsync(HttpMethod.Post, path, body, "application/json", key, ct);

    /// <summary>A signed request with a body of <paramref name="contentType"/>.</summary>
    public Task<GatewayResponse> SendSignedAsync(HttpMethod method, string path, byte[] body, string contentType, AgentKey key, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return SendAsync(Sign(request, body, key), ct);
    }

    /// <summary>
    /// Opens a server-sent event stream (GET, resumed after <paramref name="lastEventId"/> when given). The caller owns
    /// the answer: on success it reads its body as the stream, else it is a refusal to report.
    /// </summary>
    public async Task<HttpResponseMessage> OpenEventsAsync(string path, long? lastEventId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } last)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        try
        {
            // Only the headers are awaited under the client's timeout; the stream itself may stay open as long as it runs.
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }

    // Adds RFC 9421 signature fields (and, with a body, its RFC 9530 digest) to the request.
    private HttpRequestMessage Sign(HttpRequestMessage request, byte[]? body, AgentKey key)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (body is not null)
        {
            headers[ContentDigest.FieldName] = ContentDigest.Compute(body);
            request.Headers.TryAddWithoutValidation("Content-Digest", headers[ContentDigest.FieldName]);
        }

        var uri = new Uri(_http.BaseAddress!, request.RequestUri!);
        var parts = new HttpRequestParts(
            request.Method.Method, uri.Authority.ToLowerInvariant(), uri.AbsolutePath, uri.Query, name => headers.GetValueOrDefault(name));
        // Ed25519 is deterministic: without a nonce, the same request sent twice in one second would be a replay.
        var nonce = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var (input, signature) = HttpMessageSigner.Sign(key, parts, hasBody: body is not null, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), nonce);
        request.Headers.TryAddWithoutValidation("Signature-Input", input);
        request.Headers.TryAddWithoutValidation("Signature", signature);
        return request;
    }

    public void Dispose() => _http.Dispose();

    private async Task<GatewayResponse> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            try
            {
                using var response = await _http.SendAsync(request, ct);
                return new GatewayResponse(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
            }
            catch (HttpRequestException e)
            {
                throw Unreachable(e);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                throw TimedOut();
            }
        }
    }

    private CliException Unreachable(HttpRequestException e) => new(ExitCodes.Unavailable, $"error: gateway {_http.BaseAddress} is unreachable: {e.Message}");

    private CliException TimedOut() => new(ExitCodes.Unavailable, $"error: gateway {_http.BaseAddress} did not answer in time.");
}
