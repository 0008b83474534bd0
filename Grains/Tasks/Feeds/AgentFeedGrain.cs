using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Tasks.Feeds;

/// <summary>
/// See <see cref="IAgentFeedGrain"/>. Items go straight to a waiting long poll when there is one, else into the queue;
/// several polls of one agent (several workers) each get different items.
/// </summary>
internal sealed class AgentFeedGrain(TimeProvider clock) : Grain, IAgentFeedGrain
{
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
    public async Task<FeedItem?> NextAsync(TimeSpan wait)
    {
        if (_items.First is { } queued)
        {
            _items.RemoveFirst();
            return queued.Value;
        }

        var poll = new TaskCompletionSource<FeedItem?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var node = _polls.AddLast(poll);
        try
        {
            return await poll.Task.WaitAsync(wait, clock);
        }
        catch (TimeoutException)
        {
            // Offer may have completed it just as the wait ran out: then the item is ours.
            return poll.TrySetResult(null) ? null : await poll.Task;
        }
        finally
        {
            if (node.List is not null)
            {
                _polls.Remove(node);
            }
        }
    }
}
