using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// Requests written byte for byte on a TCP connection, for what HttpClient refuses to send (a NUL in the path, no Host,
/// a broken Content-Length), and the response as read until the server closes the connection.
/// </summary>
internal static class RawHttp
{
    public sealed record Response(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? ContentType => Headers.TryGetValue("content-type", out var value) ? value : null;

        public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();
    }

    /// <summary>Sends <paramref name="head"/> (request line and headers, lines ended by CRLF, no blank line) then <paramref name="body"/>.</summary>
    public static async Task<Response> SendAsync(Uri gateway, string head, byte[]? body = null)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new TcpClient();
        await client.ConnectAsync(gateway.Host, gateway.Port, ct);
        var stream = client.GetStream();

        // Read while writing: a server that answers before reading the whole body may reset the connection, and an
        // answer already read is not lost to the reset.
        using var received = new MemoryStream();
        var reading = ReadAllAsync(stream, received, ct);
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(head + "\r\n"), ct);
            if (body is not null)
            {
                await stream.WriteAsync(body, ct);
            }
        }
        catch (IOException)
        {
            // The server answered and closed before it read everything: the answer is what is asserted.
        }

        await reading;
        return Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    private static async Task ReadAllAsync(NetworkStream stream, MemoryStream into, CancellationToken ct)
    {
        try
        {
            await stream.CopyToAsync(into, ct);
        }
        catch (IOException)
        {
            // A reset after the answer was sent.
        }
    }

    private static Response Parse(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no complete response head: {text}");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = text[(end + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new Response(status, headers, body);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var position = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[position..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                return result.ToString();
            }

            result.Append(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }
}
