using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Tests.Tasks;

/// <summary>An agent's feed hands out several items per poll, in order, each to one poll only, however many poll at once.</summary>
[Collection(TaskWorldCollection.Name)]
public sealed class AgentFeedTests(TaskWorld world)
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_poll_takes_up_to_max_queued_items_in_order_and_leaves_the_rest()
    {
        var feed = world.Grains.GetGrain<IAgentFeedGrain>("feed-" + Guid.NewGuid().ToString("N"));
        var items = Enumerable.Range(0, 5).Select(Item).ToList();
        foreach (var item in items)
        {
            await feed.OfferAsync(item);
        }

        Assert.Equal(items[..3], await feed.NextAsync(3, Short));
        Assert.Equal(items[3..], await feed.NextAsync(64, Short));
        Assert.Empty(await feed.NextAsync(2, Short));
    }

    [Fact]
    public async Task Concurrent_waiting_polls_share_the_items_without_handing_one_out_twice()
    {
        var feed = world.Grains.GetGrain<IAgentFeedGrain>("feed-" + Guid.NewGuid().ToString("N"));
        var polls = Enumerable.Range(0, 3).Select(_ => feed.NextAsync(4, TimeSpan.FromSeconds(10))).ToList();
        await Task.Delay(Short, TestContext.Current.CancellationToken);
        var items = Enumerable.Range(0, 12).Select(Item).ToList();
        foreach (var item in items)
        {
            await feed.OfferAsync(item);
        }

        var handed = (await Task.WhenAll(polls)).SelectMany(batch => batch).ToList();
        handed.AddRange(await feed.NextAsync(64, Short));

        Assert.Equal(items.Select(i => i.TaskId).Order(), handed.Select(i => i.TaskId).Order());
    }

    private static FeedItem Item(int n) =>
        new(Blake2b.Content([(byte)n, .. Guid.NewGuid().ToByteArray()]), 1, FeedKind.Execute, "feed.test", "{}", 1, DateTimeOffset.UtcNow.AddMinutes(5), null, false);
}
