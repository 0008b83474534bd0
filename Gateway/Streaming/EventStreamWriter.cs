using System.Globalization;
using System.Text;

namespace Ainur.Gateway.Streaming;

/// <summary>
/// Writes server-sent events, each flushed at once, and remembers when it last wrote so that a caller waiting for
/// news can send a keep-alive comment after <see cref="EventStreamResult.KeepAlive"/> of silence.
/// </summary>
public sealed class EventStreamWriter(HttpResponse response, TimeProvider clock)
{
    private long _lastWrite = clock.GetTimestamp();

    /// <summary>
    /// Writes one event: <c>id</c> (what a reconnecting client sends back as Last-Event-ID), <c>event</c> and
    /// <paramref name="data"/>, which must be on one line (compact JSON is).
    /// </summary>
    public Task WriteAsync(long id, string name, string data, CancellationToken cancellationToken) =>
        WriteAsync(string.Create(CultureInfo.InvariantCulture, $"id: {id}\nevent: {name}\ndata: {data}\n\n"), cancellationToken);

    /// <summary>Writes a comment line when nothing was written for <see cref="EventStreamResult.KeepAlive"/>.</summary>
    public Task KeepAliveIfIdleAsync(CancellationToken cancellationToken) =>
        clock.GetElapsedTime(_lastWrite) >= EventStreamResult.KeepAlive ? WriteAsync(": keep-alive\n\n", cancellationToken) : Task.CompletedTask;

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        _lastWrite = clock.GetTimestamp();
    }
}
