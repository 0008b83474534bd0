using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Tests.Discovery;

/// <summary>
/// Discover answers a repeated query from the silo's kept shard answers and standings, and still shows what changed:
/// a new agent and presence (expiry and return) at once, stake after a background refresh. Each test has its own
/// capability domain and words; the clock is the presence world's, moved forward by the tests.
/// </summary>
[Collection(nameof(PresenceCollection))]
public sealed class DiscoveryFreshnessTests(PresenceWorld world)
{
    [Fact]
    public async Task Discover_RepeatedQuery_AgentRegisteredBetween_IsFound()
    {
        var capability = Fresh("tides");
        var first = await RegisterAsync(capability, "Predicts the times and heights of ocean tides for a harbour.");
        var need = Need("when is high tide in the harbour tomorrow");
        Assert.Equal([first], Agents(await DiscoverAsync(need), capability));

        var second = await RegisterAsync(capability, "Predicts the times and heights of ocean tides for a harbour.");
        var again = await DiscoverAsync(need);
        Assert.True(again.Cached);
        Assert.Equal(new HashSet<Did> { first, second }, Agents(again, capability).ToHashSet());
    }

    [Fact]
    public async Task Discover_RepeatedQuery_PresenceExpiresAndReturns_AsTheShardSays()
    {
        var capability = Fresh("knots");
        var agent = await RegisterAsync(capability, "Explains how to tie sailing knots step by step.");
        var need = Need("teach me to tie a bowline knot on my boat");
        Assert.True(Find(await DiscoverAsync(need), agent).Present);

        world.Clock.Advance(PresenceWorld.Ttl + TimeSpan.FromSeconds(1));
        var silent = Find(await DiscoverAsync(need), agent);
        Assert.False(silent.Present);
        Assert.Equal(Ineligibility.Absent, silent.Ineligible);

        await world.Grains.GetGrain<IAgentFeedGrain>(agent.Value).NextAsync(1, TimeSpan.Zero);
        var shard = world.Grains.GetGrain<IDiscoveryShardGrain>(DiscoveryShard.KeyOf(capability));
        await Until(async () => !(await shard.PresentAsync([agent])).IsEmpty, "the shard never saw the poll");
        Assert.True(Find(await DiscoverAsync(need), agent).Present);
    }

    [Fact]
    public async Task Discover_AgentStakesAfterAQuery_ShownStakedWithinARefresh()
    {
        var capability = Fresh("bees");
        var key = await world.NewAccountAsync();
        await RegisterAsync(capability, "Diagnoses diseases of honey bee colonies from hive photos.", key);
        var need = Need("what is wrong with my beehive, the bees look sick");
        Assert.False(Find(await DiscoverAsync(need), key.Did).Staked);

        // Shown at the next background refresh (every Standings.RefreshPeriod); the wait allows for a loaded machine.
        await world.StakeAsync(key, 100);
        await Until(async () => Find(await DiscoverAsync(need), key.Did).Staked, "the stake never showed");
    }

    private static string Fresh(string word) => $"{word}{Guid.NewGuid():N}"[..16] + "." + word;

    private static DiscoveryQuery Need(string text) => DiscoveryQuery.TryCreate(text, 10, out _)!;

    private static List<Did> Agents(DiscoveryResult result, string capability) => [.. result.Agents.Where(a => a.Capability == capability).Select(a => a.Agent)];

    private static DiscoveredAgent Find(DiscoveryResult result, Did agent) => Assert.Single(result.Agents, a => a.Agent == agent);

    private Task<DiscoveryResult> DiscoverAsync(DiscoveryQuery query) => world.Grains.GetGrain<IDiscoveryGrain>(0).DiscoverAsync(query, null);

    private async Task<Did> RegisterAsync(string capability, string description, AgentKey? owner = null)
    {
        using var generated = owner is null ? AgentKey.Generate() : null;
        var key = owner ?? generated!;
        var manifest = new AgentManifest($"agent-{key.Did.Value[^8..]}", "1.0.0", [new Capability(capability, description, 10, "{}", "{}")],
            new AgentRuntime(RuntimeKind.Remote, null), null);
        Assert.Null((await world.Grains.GetGrain<IAgentGrain>(key.Did.Value).RegisterAsync(new RegisterAgent(key.Did, manifest), TestContext.Current.CancellationToken)).Rejection);
        return key.Did;
    }

    private static async Task Until(Func<Task<bool>> done, string why)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < until, why);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
