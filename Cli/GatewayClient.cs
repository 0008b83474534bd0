using System.Net;
using System.Net.Http.Headers;
using Ainur.Protocol.HttpSignatures;
using Ainur.Protocol.Identity;

namespace Ainur.Cli;

/// <summary>The gateway's answer: status and body as text.</summary>
internal sealed record GatewayResponse(HttpStatusCode Status, string Body);

/// <summary>
/// Calls the gateway over HTTP. Signed calls carry RFC 9421 signatures (<c>created</c> = now) and, with a body,
/// an RFC 9530 Content-Digest. Network failures become <see cref="CliException"/> with exit code 4.
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

    public Task<GatewayResponse> PostSignedAsync(string path, byte[] body, AgentKey key, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [ContentDigest.FieldName] = ContentDigest.Compute(body),
        };
        var uri = new Uri(_http.BaseAddress!, path);
        var parts = new HttpRequestParts(
            "POST", uri.Authority.ToLowerInvariant(), uri.AbsolutePath, uri.Query, name => headers.GetValueOrDefault(name));
        // Ed25519 is deterministic: without a nonce, the same request sent twice in one second would be a replay.
        var nonce = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var (input, signature) = HttpMessageSigner.Sign(key, parts, hasBody: true, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), nonce);
        request.Headers.TryAddWithoutValidation("Content-Digest", headers[ContentDigest.FieldName]);
        request.Headers.TryAddWithoutValidation("Signature-Input", input);
        request.Headers.TryAddWithoutValidation("Signature", signature);
        return SendAsync(request, ct);
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
                throw new CliException(ExitCodes.Unavailable, $"error: gateway {_http.BaseAddress} is unreachable: {e.Message}");
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new CliException(ExitCodes.Unavailable, $"error: gateway {_http.BaseAddress} did not answer in time.");
            }
        }
    }
}
