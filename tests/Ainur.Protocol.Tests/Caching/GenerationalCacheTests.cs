using Ainur.Protocol.Caching;
using CsCheck;

namespace Ainur.Protocol.Tests.Caching;

public sealed class GenerationalCacheTests
{
    [Fact]
    public void Add_PastCapacity_KeepsTheLastTwoGenerations_AndDropsOlderOnes()
    {
        var cache = new GenerationalCache<int, string>(capacity: 4);
        for (var i = 0; i < 12; i++)
        {
            cache.Add(i, $"v{i}");
        }

        // Generations: [0..3] dropped, [4..7] previous, [8..11] current.
        Assert.All(Enumerable.Range(0, 4), i => Assert.False(cache.TryGet(i, out _)));
        Assert.All(Enumerable.Range(4, 8), i => Assert.True(cache.TryGet(i, out var v) && v == $"v{i}"));
    }

    [Fact]
    public void Entries_NeverExceedTwoGenerations_AndEveryHitIsTheValueAdded()
    {
        Gen.Int[0, 200].Array[0, 400].Sample(keys =>
        {
            var cache = new GenerationalCache<int, int>(capacity: 8);
            foreach (var key in keys)
            {
                cache.Add(key, key * 7);
            }

            var found = Enumerable.Range(0, 201).Where(k => cache.TryGet(k, out _)).ToList();
            Assert.All(found, k => Assert.True(cache.TryGet(k, out var v) && v == k * 7));
            Assert.True(found.Count <= 16, $"{found.Count} entries in two generations of 8");
            if (keys.Length > 0)
            {
                Assert.Contains(keys[^1], found);
            }
        }, iter: 500);
    }

    [Fact]
    public void ConcurrentAdds_AreAllFoundWhileTheyFitInOneGeneration()
    {
        var cache = new GenerationalCache<int, int>(capacity: 10_000);

        Parallel.For(0, 5_000, i => cache.Add(i, i));

        Assert.All(Enumerable.Range(0, 5_000), i => Assert.True(cache.TryGet(i, out var v) && v == i));
    }
}
