using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Ainur.Gateway.Apis;
using Ainur.Gateway.Cluster;
using Ainur.Grains.Interfaces.Ledger;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Ainur.Gateway.Ledger;

/// <summary>
/// Streams finalized blocks as server-sent events from height <see cref="From"/> (null: the next block to be final),
/// in order and without gaps: <c>id</c> is the height (what a reconnecting client sends back as Last-Event-ID),
/// <c>event</c> is <c>block</c>, <c>data</c> the <see cref="BlockSummaryView"/> JSON on one line. Waits for new
/// blocks on the mempool's head, sends a comment line as keep-alive after <see cref="KeepAlive"/> without a block, and
/// ends when the client goes away or the gateway stops.
/// </summary>
public sealed class BlockStreamResult(long? from) : IResult, IEndpointMetadataProvider
{
    /// <summary>Longest silence before a keep-alive comment; proxies commonly drop idle connections after 30-60 s.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    // One wait on the mempool's head. The grain call cannot be cancelled when the client leaves, and a silo stopping
    // waits for it, so it is kept short.
    private static readonly TimeSpan HeadWait = TimeSpan.FromSeconds(2);

    /// <summary>The first height sent; null for the next block to be final.</summary>
    public long? From { get; } = from;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var services = httpContext.RequestServices;
        var cluster = services.GetRequiredService<IClusterClient>();
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            httpContext.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var ct = stop.Token;
        var clock = services.GetRequiredService<TimeProvider>();
        var mempool = cluster.GetGrain<IMempoolGrain>(0);
        var query = cluster.GetGrain<ILedgerQueryGrain>(0);

        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(ct);

        try
        {
            var next = From ?? (await GrainRetry.RunAsync(() => mempool.GetHeadAsync(), ct)).Height + 1;
            var awaited = next;
            var lastWrite = clock.GetTimestamp();
            while (!ct.IsCancellationRequested)
            {
                var head = await GrainRetry.RunAsync(() => mempool.WaitForHeightAsync(awaited, HeadWait), ct).WaitAsync(ct);
                while (next <= head && await GrainRetry.RunAsync(() => query.GetBlockAsync(next), ct) is { } block)
                {
                    await WriteAsync(response, Event(block.Height, JsonSerializer.Serialize(BlockSummaryView.From(block), json)), ct);
                    next++;
                    lastWrite = clock.GetTimestamp();
                }

                if (clock.GetElapsedTime(lastWrite) >= KeepAlive)
                {
                    await WriteAsync(response, ": keep-alive\n\n", ct);
                    lastWrite = clock.GetTimestamp();
                }

                // A head reported final before its block is readable must not spin: wait for the head to move on.
                awaited = next <= head ? head + 1 : next;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client left or the gateway is stopping: the stream simply ends.
        }
    }

    /// <inheritdoc/>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(BlockSummaryView), ["text/event-stream"]));
    }

    private static string Event(long height, string data) =>
        string.Create(CultureInfo.InvariantCulture, $"id: {height}\nevent: block\ndata: {data}\n\n");

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }
}
