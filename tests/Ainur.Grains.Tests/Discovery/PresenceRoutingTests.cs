using System.Collections.Immutable;
using Ainur.Grains.Discovery;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Grains.Tests.Tasks;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Agents;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.Grains.Tests.Discovery;

/// <summary>
/// A task world whose silos read a clock the tests move forward, with a 10 s presence TTL, counting the presence
/// questions each discovery shard is asked.
/// </summary>
public sealed class PresenceWorld : TaskWorld
{
    private readonly PresenceQuestions _questions = new();

    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    public PresenceWorld()
        : this(new ShiftedClock())
    {
    }

    private PresenceWorld(ShiftedClock clock)
        : base(clock, TimeSpan.FromSeconds(5)) => Clock = clock;

    public ShiftedClock Clock { get; }

    /// <summary>How often the shard of <paramref name="capability"/>'s domain was asked which agents are present.</summary>
    public int QuestionsAbout(string capability) => _questions.Count(DiscoveryShard.KeyOf(capability));

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Services.AddSingleton(new DiscoverySettings { PresenceTtl = Ttl });
        silo.Services.AddSingleton<IIncomingGrainCallFilter>(_questions);
    }

    private sealed class PresenceQuestions : IIncomingGrainCallFilter
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

        public int Count(string shard) => _counts.GetValueOrDefault(shard);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IDiscoveryShardGrain.PresentAsync))
            {
                _counts.AddOrUpdate(context.TargetId.Key.ToString()!, 1, (_, n) => n + 1);
            }

            return context.Invoke();
        }
    }
}

[CollectionDefinition(nameof(PresenceCollection))]
public sealed class PresenceCollection : ICollectionFixture<PresenceWorld>;

/// <summary>
/// Assignment as the task grain asks for it (the capability roster's pick), with real presence: registration and feed
/// polls are signs of life that travel on the presence stream to the domain's discovery shard; silence for the TTL
/// (the clock moved past it) makes an agent absent.
/// </summary>
[Collection(nameof(PresenceCollection))]
public sealed class PresenceRoutingTests(PresenceWorld world)
{
    private static readonly ImmutableArray<Hash32> AnySchema = [];

    [Fact]
    public async Task Pick_AgentSilentForTheTtl_GetsNoTasks_UntilItPollsAgain()
    {
        var capability = Fresh();
        var quiet = await world.EnlistAsync(capability);
        var busy = await world.EnlistAsync(capability);
        var roster = world.Grains.GetGrain<ICapabilityRosterGrain>(capability);
        var schemas = await SchemasAsync(roster);

        world.Clock.Advance(PresenceWorld.Ttl + TimeSpan.FromSeconds(1));
        await PollAsync(busy.Did);
        await WaitPresentAsync(capability, busy.Did);

        for (var i = 0; i < 6; i++)
        {
            var pick = await roster.PickAsync(1_000, schemas, [], false);
            Assert.Equal(busy.Did, pick?.Agent);
        }

        await PollAsync(quiet.Did);
        await WaitPresentAsync(capability, quiet.Did);
        var picks = new List<Did>();
        for (var i = 0; i < 6; i++)
        {
            picks.Add((await roster.PickAsync(1_000, schemas, [], false))!.Agent);
        }

        // Back and with nothing in flight against busy's six: least connections sends it every new task.
        Assert.All(picks, p => Assert.Equal(quiet.Did, p));
    }

    [Fact]
    public async Task Pick_EqualCandidates_InFlightDiffersByAtMostOne()
    {
        var capability = Fresh();
        var agents = new List<Did>();
        foreach (var _ in Enumerable.Range(0, 4))
        {
            agents.Add((await world.EnlistAsync(capability)).Did);
        }

        var roster = world.Grains.GetGrain<ICapabilityRosterGrain>(capability);
        var schemas = await SchemasAsync(roster);
        for (var i = 0; i < 22; i++)
        {
            Assert.NotNull(await roster.PickAsync(1_000, schemas, [], false));
        }

        var loads = await roster.InFlightAsync([.. agents]);
        Assert.Equal(22, loads.Sum());
        Assert.True(loads.Max() - loads.Min() <= 1, string.Join(",", loads));
    }

    [Fact]
    public async Task Pick_CandidatesPresentAMomentAgo_AreNotAskedAboutAgain_UntilTheAnswerIsASecondOld()
    {
        var capability = Fresh();
        var agent = await world.EnlistAsync(capability);
        await WaitPresentAsync(capability, agent.Did);
        var roster = world.Grains.GetGrain<ICapabilityRosterGrain>(capability);
        var schemas = await SchemasAsync(roster);
        Assert.Equal(agent.Did, (await roster.PickAsync(1_000, schemas, [], false))?.Agent);
        var asked = world.QuestionsAbout(capability);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(agent.Did, (await roster.PickAsync(1_000, schemas, [], false))?.Agent);
        }

        Assert.Equal(asked, world.QuestionsAbout(capability));
        world.Clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(agent.Did, (await roster.PickAsync(1_000, schemas, [], false))?.Agent);
        Assert.Equal(asked + 1, world.QuestionsAbout(capability));
    }

    [Fact]
    public async Task Heartbeat_DeregisteredAgent_IsNotAnnounced()
    {
        var capability = Fresh();
        var agent = await world.EnlistAsync(capability);
        await world.Grains.GetGrain<Interfaces.Agents.IAgentGrain>(agent.Did.Value).DeregisterAsync(agent.Did, TestContext.Current.CancellationToken);
        Assert.False(await world.Grains.GetGrain<Interfaces.Agents.IAgentGrain>(agent.Did.Value).HeartbeatAsync());
        var shard = world.Grains.GetGrain<IDiscoveryShardGrain>(DiscoveryShard.KeyOf(capability));
        Assert.Empty(await shard.PresentAsync([agent.Did]));
        Assert.Empty(await shard.ListAgentsAsync(capability, null, 10));
    }

    private static string Fresh() => $"presence{Guid.NewGuid():N}"[..20] + ".echo";

    private static async Task<ImmutableArray<Hash32>> SchemasAsync(ICapabilityRosterGrain roster) =>
        [.. (await roster.GetSchemasAsync()).Select(s => s.Hash)];

    private Task<ImmutableArray<FeedItem>> PollAsync(Did agent) => world.Grains.GetGrain<IAgentFeedGrain>(agent.Value).NextAsync(1, TimeSpan.Zero);

    private async Task WaitPresentAsync(string capability, Did agent)
    {
        var shard = world.Grains.GetGrain<IDiscoveryShardGrain>(DiscoveryShard.KeyOf(capability));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while ((await shard.PresentAsync([agent])).IsEmpty)
        {
            Assert.True(DateTime.UtcNow < until, $"{agent} never became present");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
