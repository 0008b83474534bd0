using System.Reflection;
using System.Text.Json;
using Ainur.Gateway.Apis;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Streaming;
using Ainur.Grains.Interfaces.Ledger;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Ainur.Gateway.Ledger;

/// <summary>
/// Streams finalized blocks as server-sent events from height <see cref="From"/> (null: the next block to be final),
/// in order and without gaps: <c>id</c> is the height (what a reconnecting client sends back as Last-Event-ID),
/// <c>event</c> is <c>block</c>, <c>data</c> the <see cref="BlockSummaryView"/> JSON on one line. Waits for new
/// blocks on the mempool's head, sends a comment line as keep-alive after <see cref="EventStreamResult.KeepAlive"/> without
/// a block, and ends when the client goes away or the gateway stops.
/// </summary>
public sealed class BlockStreamResult(long? from) : EventStreamResult, IEndpointMetadataProvider
{
    // One wait on the mempool's head. The grain call cannot be cancelled when the client leaves, and a silo stopping
    // waits for it, so it is kept short.
    private static readonly TimeSpan HeadWait = TimeSpan.FromSeconds(2);

    /// <summary>The first height sent; null for the next block to be final.</summary>
    public long? From { get; } = from;

    /// <inheritdoc/>
    protected override async Task StreamAsync(IServiceProvider services, EventStreamWriter events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(events);
        var ct = cancellationToken;
        var cluster = services.GetRequiredService<IClusterClient>();
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var mempool = cluster.GetGrain<IMempoolGrain>(0);
        var query = cluster.GetGrain<ILedgerQueryGrain>(0);

        var next = From ?? (await GrainRetry.RunAsync(() => mempool.GetHeadAsync(), ct)).Height + 1;
        var awaited = next;
        while (!ct.IsCancellationRequested)
        {
            var head = await GrainRetry.RunAsync(() => mempool.WaitForHeightAsync(awaited, HeadWait), ct).WaitAsync(ct);
            while (next <= head && await GrainRetry.RunAsync(() => query.GetBlockAsync(next), ct) is { } block)
            {
                await events.WriteAsync(block.Height, "block", JsonSerializer.Serialize(BlockSummaryView.From(block), json), ct);
                next++;
            }

            await events.KeepAliveIfIdleAsync(ct);

            // A head reported final before its block is readable must not spin: wait for the head to move on.
            awaited = next <= head ? head + 1 : next;
        }
    }

    /// <inheritdoc/>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(BlockSummaryView), ["text/event-stream"]));
    }
}
