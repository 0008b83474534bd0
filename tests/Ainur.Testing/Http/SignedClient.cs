using System.Text;
using System.Text.Json;
using Ainur.Protocol.Identity;

namespace Ainur.Testing.Http;

/// <summary>
/// An HTTP client of Ainur's API that signs requests the way agents do (RFC 9421, ed25519, Content-Digest), fresh
/// <c>created</c> and nonce per request. Returns raw responses: callers assert on status and body.
/// </summary>
public sealed class SignedClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client of the gateway at <paramref name="baseAddress"/> (e.g. <c>http://127.0.0.1:5080</c>).</summary>
    public SignedClient(Uri baseAddress, TimeSpan? timeout = null)
        : this(new HttpClient { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) }, ownsHttp: true)
    {
    }

    /// <summary>Wraps an existing client (its <see cref="HttpClient.BaseAddress"/> must be set), e.g. a TestServer's.</summary>
    public SignedClient(HttpClient http, bool ownsHttp = false)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http.BaseAddress is not null ? http : throw new ArgumentException("The client needs a BaseAddress.", nameof(http));
        _ownsHttp = ownsHttp;
    }

    /// <summary>The underlying client, for unsigned calls.</summary>
    public HttpClient Http => _http;

    /// <summary>POSTs <paramref name="body"/> (JSON) to <paramref name="path"/>, signed by <paramref name="key"/>.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(AgentKey key, string path, string body, CancellationToken cancellationToken = default) =>
        SendAndDisposeAsync(RequestSigner.SignedPost(key, _http.BaseAddress!, path, body), cancellationToken);

    /// <summary><c>PUT /v1/modules</c> of <paramref name="module"/>'s bytes, signed by <paramref name="key"/>.</summary>
    public Task<HttpResponseMessage> UploadModuleAsync(AgentKey key, byte[] module, CancellationToken cancellationToken = default) =>
        SendAndDisposeAsync(RequestSigner.SignedBytes(key, _http.BaseAddress!, HttpMethod.Put, "/v1/modules", module, "application/wasm"), cancellationToken);

    /// <summary><c>POST /v1/agents</c> registering <paramref name="key"/>'s DID with the manifest <paramref name="manifestJson"/> (JSON text).</summary>
    public Task<HttpResponseMessage> RegisterAsync(AgentKey key, string manifestJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var body = "{\"did\":" + JsonSerializer.Serialize(key.Did.Value) + ",\"manifest\":" + manifestJson + "}";
        return PostSignedAsync(key, "/v1/agents", body, cancellationToken);
    }

    /// <summary><c>GET /v1/agents/{did}</c>, unsigned.</summary>
    public Task<HttpResponseMessage> GetAgentAsync(string did, CancellationToken cancellationToken = default) =>
        _http.GetAsync(new Uri("/v1/agents/" + did, UriKind.Relative), cancellationToken);

    /// <summary>A manifest of a hosted (wasm) agent running <paramref name="moduleHash"/> for <paramref name="capability"/>, as JSON text.</summary>
    public static string WasmManifestJson(string moduleHash, string capability = "text.echo", long price = 1) =>
        $$$"""
        {"name":"wasm-agent","version":"1.0.0","capabilities":[{"id":{{{JsonSerializer.Serialize(capability)}}},"description":"Runs a hosted WebAssembly module.","price":{{{price}}},"deterministic":true,"inputSchema":{"type":"object"},"outputSchema":{"type":"object"}}],"runtime":{"kind":"wasm","moduleHash":{{{JsonSerializer.Serialize(moduleHash)}}}}}
        """;

    /// <summary>A small valid manifest (the echo agent), as JSON text; <paramref name="name"/> makes it distinct.</summary>
    public static string EchoManifestJson(string name = "echo", string version = "1.0.0") =>
        $$$"""
        {"name":{{{JsonSerializer.Serialize(name)}}},"version":{{{JsonSerializer.Serialize(version)}}},"capabilities":[{"id":"text.echo","description":"Returns its input text.","price":1,"deterministic":false,"inputSchema":{"type":"object"},"outputSchema":{"type":"object"}}],"runtime":{"kind":"remote"}}
        """;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<HttpResponseMessage> SendAndDisposeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a response body as text, for assertion messages.</summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = new StringBuilder().Append((int)response.StatusCode).Append(' ');
        text.Append(response.Content.Headers.ContentType?.MediaType).Append(": ");
        text.Append(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        return text.ToString();
    }
}
