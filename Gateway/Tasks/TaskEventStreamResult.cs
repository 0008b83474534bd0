using System.Reflection;
using System.Text.Json;
using Ainur.Gateway.Apis;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Streaming;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Tasks;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// Streams a task's transitions as server-sent events: first those of its durable history after sequence
/// <see cref="After"/>, then each new one as it happens. <c>id</c> is the sequence number (what a reconnecting client
/// sends back as Last-Event-ID), <c>event</c> is <c>transition</c>, <c>data</c> the <see cref="TransitionView"/> JSON
/// with the task's current <c>state</c>. The stream ends once the task is terminal and its holds are closed.
/// </summary>
public sealed class TaskEventStreamResult(Hash32 taskId, int after) : EventStreamResult, IEndpointMetadataProvider
{
    // One wait on the task. A cluster client's grain calls time out after 5 s, and a silo stopping waits for calls in
    // flight, so a wait is asked for in short slices.
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(2);

    /// <summary>The task streamed.</summary>
    public Hash32 TaskId { get; } = taskId;

    /// <summary>The last sequence number the client has; events start after it.</summary>
    public int After { get; } = after;

    /// <inheritdoc/>
    protected override async Task StreamAsync(IServiceProvider services, EventStreamWriter events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(events);
        var ct = cancellationToken;
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var task = services.GetRequiredService<IClusterClient>().Task(TaskId);
        var sent = After;
        while (!ct.IsCancellationRequested)
        {
            var record = await GrainRetry.RunAsync(() => task.WaitForChangeAsync(sent, Slice), ct).WaitAsync(ct);
            if (record is null)
            {
                return;
            }

            foreach (var transition in record.History.Where(t => t.Sequence > sent))
            {
                await events.WriteAsync(transition.Sequence, "transition", JsonSerializer.Serialize(TransitionView.Of(transition, record.State), json), ct);
                sent = transition.Sequence;
            }

            if (record.State.IsTerminal() && record.IsClosed)
            {
                return;
            }

            await events.KeepAliveIfIdleAsync(ct);
        }
    }

    /// <inheritdoc/>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TransitionView), ["text/event-stream"]));
    }
}
