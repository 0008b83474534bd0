using Ainur.Grains.Discovery;

namespace Ainur.Grains.Tests.Discovery;

public sealed class LruCacheTests
{
    [Fact]
    public void Set_PastCapacity_EvictsTheLeastRecentlyUsed()
    {
        var cache = new LruCache<string, int>(2);
        cache.Set("a", 1);
        cache.Set("b", 2);
        Assert.True(cache.TryGet("a", out _));
        cache.Set("c", 3);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", out var a) && a == 1);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("c", out var c) && c == 3);
    }
}
