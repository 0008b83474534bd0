using System.Reflection;
using System.Text.Json;
using Ainur.Gateway.Streaming;
using Ainur.Protocol.Hashing;
using Microsoft.AspNetCore.Http.Metadata;

namespace Ainur.Gateway.Runtime;

/// <summary>
/// A task's log lines as server-sent events: <c>id</c> is the line's number (from 1; what a reconnecting client sends
/// back as Last-Event-ID), <c>event</c> is <c>log</c>, <c>data</c> the line as a JSON string. Ends with the task.
/// </summary>
public sealed class TaskLogStreamResult(Hash32 taskId, int after) : EventStreamResult, IEndpointMetadataProvider
{
    /// <inheritdoc/>
    protected override async Task StreamAsync(IServiceProvider services, EventStreamWriter events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(events);
        await foreach (var (number, line) in TaskLogFollower.FollowAsync(services.GetRequiredService<IClusterClient>(), taskId, after, cancellationToken))
        {
            await events.WriteAsync(number, "log", JsonSerializer.Serialize(line), cancellationToken);
        }
    }

    /// <inheritdoc/>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]));
    }
}
