using System.Text.Json;

namespace Ainur.Gateway.Tests.Api;

/// <summary>One server-sent event as a test reads it: id, event name, and the data parsed as JSON.</summary>
internal sealed record SseEvent(string? Id, string? Type, JsonElement Data);

/// <summary>Reads the events of a text/event-stream answer; comment lines (keep-alives) are skipped. Owns the answer.</summary>
internal sealed class SseReader(HttpResponseMessage response, Stream body) : IAsyncDisposable
{
    private readonly StreamReader _reader = new(body);

    /// <summary>The next event; fails when the stream ends first.</summary>
    public async Task<SseEvent> NextAsync(CancellationToken? cancellationToken = null) =>
        await TryNextAsync(cancellationToken) ?? throw new EndOfStreamException("The event stream ended.");

    /// <summary>The next event, or null when the stream ended.</summary>
    public async Task<SseEvent?> TryNextAsync(CancellationToken? cancellationToken = null)
    {
        string? id = null, type = null, data = null;
        while (await _reader.ReadLineAsync(cancellationToken ?? TestContext.Current.CancellationToken) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                return new SseEvent(id, type, JsonDocument.Parse(data).RootElement.Clone());
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var value = line[(colon + 1)..].TrimStart(' ');
            switch (line[..colon])
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data = value; break;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await body.DisposeAsync();
        response.Dispose();
    }
}
