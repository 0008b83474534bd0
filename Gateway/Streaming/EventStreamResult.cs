namespace Ainur.Gateway.Streaming;

/// <summary>
/// A server-sent event stream (<c>text/event-stream</c>): sets the headers that keep proxies from buffering, hands the
/// subclass an <see cref="EventStreamWriter"/>, and ends quietly when the client goes away or the gateway stops (the
/// token the subclass gets is cancelled then). Problems must be answered before the stream starts: once it has,
/// the status is 200.
/// </summary>
public abstract class EventStreamResult : IResult
{
    /// <summary>Longest silence before a keep-alive comment; proxies commonly drop idle connections after 30-60 s.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var services = httpContext.RequestServices;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            httpContext.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        try
        {
            await response.StartAsync(stop.Token);
            await StreamAsync(services, new EventStreamWriter(response, services.GetRequiredService<TimeProvider>()), stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left or the gateway is stopping: the stream simply ends.
        }
    }

    /// <summary>Writes the events until there are no more or <paramref name="cancellationToken"/> is cancelled.</summary>
    protected abstract Task StreamAsync(IServiceProvider services, EventStreamWriter events, CancellationToken cancellationToken);
}
