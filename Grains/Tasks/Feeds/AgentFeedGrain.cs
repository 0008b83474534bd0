using System.Collections.Immutable;
using Ainur.Grains.Discovery;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Grains.Timing;

namespace Ainur.Grains.Tasks.Feeds;

/// <summary>
/// See <see cref="IAgentFeedGrain"/>. Items go straight to a waiting long poll when there is one, else into the queue;
/// several polls of one agent (several workers) each get different items.
/// </summary>
internal sealed class AgentFeedGrain(TimeProvider clock, DiscoverySettings discovery) : Grain, IAgentFeedGrain
{
    private DateTimeOffset _lastBeat = DateTimeOffset.MinValue;

    private readonly LinkedList<FeedItem> _items = new();
    private readonly LinkedList<TaskCompletionSource<FeedItem?>> _polls = new();

    /// <inheritdoc/>
    public Task OfferAsync(FeedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_items.Any(i => i.TaskId == item.TaskId && i.Kind == item.Kind && i.Attempt == item.Attempt))
        {
            return Task.CompletedTask;
        }

        while (_polls.First is { } poll)
        {
            _polls.RemoveFirst();
            if (poll.Value.TrySetResult(item))
            {
                return Task.CompletedTask;
            }
        }

        _items.AddLast(item);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WithdrawAsync(Hash32 taskId)
    {
        for (var node = _items.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.TaskId == taskId)
            {
                _items.Remove(node);
            }

            node = next;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<ImmutableArray<FeedItem>> NextAsync(int max, TimeSpan wait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await BeatAsync();
        if (_items.Count > 0)
        {
            return Take(max, []);
        }

        var poll = new TaskCompletionSource<FeedItem?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var node = _polls.AddLast(poll);
        FeedItem? first;
        try
        {
            // Offer may complete it just as the wait runs out: then the item is ours.
            if (!await BoundedWait.ForAsync(poll.Task, wait, clock))
            {
                poll.TrySetResult(null);
            }

            first = await poll.Task;
        }
        finally
        {
            if (node.List is not null)
            {
                _polls.Remove(node);
            }
        }

        // Whatever queued up meanwhile rides along (this turn runs alone on the grain, so no other poll takes it too).
        return first is null ? [] : Take(max - 1, [first]);
    }

    private ImmutableArray<FeedItem> Take(int count, ImmutableArray<FeedItem> taken)
    {
        var builder = taken.ToBuilder();
        while (count-- > 0 && _items.First is { } queued)
        {
            _items.RemoveFirst();
            builder.Add(queued.Value);
        }

        return builder.ToImmutable();
    }

    /// <summary>A poll is the agent's sign of life: it keeps the agent present (see <see cref="IAgentGrain.HeartbeatAsync"/>).</summary>
    private async Task BeatAsync()
    {
        var now = clock.GetUtcNow();
        if (now - _lastBeat >= discovery.BeatInterval)
        {
            _lastBeat = now;
            try
            {
                await GrainFactory.GetGrain<IAgentGrain>(this.GetPrimaryKeyString()).HeartbeatAsync();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // Presence is best effort: the poll goes on, and the next beat interval tries again.
                _lastBeat = DateTimeOffset.MinValue;
            }
        }
    }
}
