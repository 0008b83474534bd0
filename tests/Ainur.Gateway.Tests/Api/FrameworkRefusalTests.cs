using System.Text;
using Ainur.Testing.Nodes;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// Requests refused before any endpoint runs, sent byte for byte on a socket: a too-long target or too-large headers
/// and an over-cap body, however it is framed, get problem+json with a code. What Kestrel refuses while parsing the
/// request head (docs/decisions.md, Errors) gets its own bare 4xx and a closed connection, never a 5xx.
/// </summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class FrameworkRefusalTests(StandaloneGatewayFixture fixture)
{
    private const int MaxBody = 256 * 1024;

    private InProcessGateway Gateway => fixture.Gateway;

    private string Head(string requestLine, params string[] headers) =>
        requestLine + "\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + $"Host: {Gateway.Address.Authority}\r\nConnection: close\r\n";

    [Fact]
    public async Task LongRequestTarget_Is414Problem()
    {
        var response = await RawHttp.SendAsync(Gateway.Address, Head("GET /v1/agents/" + new string('a', 9000) + " HTTP/1.1"));

        AssertProblem(response, 414, "uri-too-long");
    }

    [Fact]
    public async Task LargeHeaders_Are431Problem()
    {
        var response = await RawHttp.SendAsync(Gateway.Address, Head("GET /healthz HTTP/1.1", "X-Padding: " + new string('a', 40_000)));

        AssertProblem(response, 431, "headers-too-large");
    }

    [Fact]
    public async Task BodyOverTheCap_Is413Problem_AlikeWithContentLengthAndChunked()
    {
        var atCap = new byte[MaxBody];
        atCap.AsSpan().Fill((byte)'a');
        var overCap = new byte[MaxBody + 1];
        overCap.AsSpan().Fill((byte)'a');

        var sized = await PostAsync(overCap, chunked: false);
        var chunked = await PostAsync(overCap, chunked: true);

        AssertProblem(sized, 413, "body-too-large");
        AssertProblem(chunked, 413, "body-too-large");
        Assert.Equal(sized.Json().GetProperty("detail").GetString(), chunked.Json().GetProperty("detail").GetString());

        // At the cap exactly the body is read, and the (missing) signature is what is refused, however it is framed:
        // Kestrel counts chunk framing as body bytes, which must not make a chunked body's cap smaller.
        AssertProblem(await PostAsync(atCap, chunked: false), 401, "signature-missing");
        AssertProblem(await PostAsync(atCap, chunked: true), 401, "signature-missing");
        AssertProblem(await PostAsync(atCap, chunked: true, chunkSize: 1), 401, "signature-missing");
    }

    public static TheoryData<string, string, int> UnparseableHeads => new()
    {
        { "target past Kestrel's ceiling", "GET /" + new string('a', 20_000) + " HTTP/1.1\r\nHost: $HOST\r\n", 414 },
        { "headers past Kestrel's ceiling", "GET /healthz HTTP/1.1\r\nHost: $HOST\r\nX-Padding: " + new string('a', 70_000) + "\r\n", 431 },
        { "Content-Length not a number", "POST /v1/agents HTTP/1.1\r\nHost: $HOST\r\nContent-Length: ten\r\n", 400 },
        { "two Content-Lengths", "POST /v1/agents HTTP/1.1\r\nHost: $HOST\r\nContent-Length: 1\r\nContent-Length: 2\r\n", 400 },
        { "NUL in the path", "GET /v1/agents/a\0b HTTP/1.1\r\nHost: $HOST\r\n", 400 },
        { "escaped NUL in the path", "GET /v1/agents/a%00b HTTP/1.1\r\nHost: $HOST\r\n", 400 },
        { "no Host", "GET /healthz HTTP/1.1\r\n", 400 },
        { "two Hosts", "GET /healthz HTTP/1.1\r\nHost: $HOST\r\nHost: other.example\r\n", 400 },
    };

    [Theory]
    [MemberData(nameof(UnparseableHeads))]
    public async Task UnparseableHead_IsKestrels4xx_AndTheConnectionCloses(string why, string head, int status)
    {
        var response = await RawHttp.SendAsync(Gateway.Address, head.Replace("$HOST", Gateway.Address.Authority, StringComparison.Ordinal));

        Assert.True(status == response.Status, $"{why}: {response.Status}");
        Assert.Equal("close", response.Headers["connection"]);
    }

    private Task<RawHttp.Response> PostAsync(byte[] body, bool chunked, int chunkSize = 4096)
    {
        var framing = chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {body.Length}";
        var head = Head("POST /v1/agents HTTP/1.1", "Content-Type: application/json", framing);
        return RawHttp.SendAsync(Gateway.Address, head, chunked ? Chunk(body, chunkSize) : body);
    }

    private static byte[] Chunk(byte[] body, int size)
    {
        var wire = new MemoryStream();
        foreach (var piece in body.Chunk(size))
        {
            wire.Write(Encoding.ASCII.GetBytes($"{piece.Length:x}\r\n"));
            wire.Write(piece);
            wire.Write("\r\n"u8);
        }

        wire.Write("0\r\n\r\n"u8);
        return wire.ToArray();
    }

    private static void AssertProblem(RawHttp.Response response, int status, string code)
    {
        Assert.True(status == response.Status, $"expected {status}, got {response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.ContentType?.Split(';')[0]);
        var problem = response.Json();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal("urn:ainur:problem:" + code, problem.GetProperty("type").GetString());
    }
}
