using System.Collections.Immutable;
using Ainur.Grains.Discovery;
using Ainur.Protocol.Identity;
using Microsoft.Extensions.Time.Testing;

namespace Ainur.Grains.Tests.Discovery;

/// <summary>
/// The staleness rule of a silo's standings: answered from memory once known, changed only by a refresh, forgotten
/// when nobody asked for <see cref="Standings.KeepFor"/>; a failed read keeps the old value. Fake time, fake source.
/// </summary>
public sealed class StandingsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeSource _source = new();

    [Fact]
    public async Task Get_KnownAgent_FromMemory_ChangeShowsAfterRefresh()
    {
        var standings = new Standings(_source, _clock);
        var agent = NewDid();
        _source.Standings[agent] = new Standing(0.2, Staked: false);
        Assert.False((await standings.GetAsync([agent]))[agent].Staked);

        _source.Standings[agent] = new Standing(0.2, Staked: true);
        Assert.False((await standings.GetAsync([agent]))[agent].Staked);
        Assert.Equal(1, _source.Reads(agent));

        await standings.RefreshAsync(TestContext.Current.CancellationToken);
        Assert.True((await standings.GetAsync([agent]))[agent].Staked);
    }

    [Fact]
    public async Task Refresh_AgentNotAskedForKeepFor_IsForgotten_ThenReadWhenAskedAgain()
    {
        var standings = new Standings(_source, _clock);
        var (asked, idle) = (NewDid(), NewDid());
        _source.Standings[asked] = _source.Standings[idle] = new Standing(0.5, Staked: true);
        await standings.GetAsync([asked, idle]);

        _clock.Advance(Standings.KeepFor - TimeSpan.FromSeconds(1));
        await standings.GetAsync([asked]);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await standings.RefreshAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, _source.Reads(asked));
        Assert.Equal(1, _source.Reads(idle));

        await standings.GetAsync([idle]);
        Assert.Equal(2, _source.Reads(idle));
    }

    [Fact]
    public async Task Refresh_ReadFails_KeepsTheOldStanding()
    {
        var standings = new Standings(_source, _clock);
        var agent = NewDid();
        _source.Standings[agent] = new Standing(0.7, Staked: true);
        await standings.GetAsync([agent]);

        _source.Standings.Remove(agent);
        await standings.RefreshAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new Standing(0.7, Staked: true), (await standings.GetAsync([agent]))[agent]);
    }

    [Fact]
    public async Task InFlight_OneReadPerCapability_RefreshedLikeStandings()
    {
        var standings = new Standings(_source, _clock);
        var (a, b) = (NewDid(), NewDid());
        _source.Loads[("x.echo", a)] = 1;
        _source.Loads[("x.echo", b)] = 2;
        var loads = await standings.InFlightAsync([("x.echo", a), ("x.echo", b)]);
        Assert.Equal((1, 2), (loads[("x.echo", a)], loads[("x.echo", b)]));
        Assert.Equal(1, _source.LoadReads);

        _source.Loads[("x.echo", a)] = 5;
        Assert.Equal(1, (await standings.InFlightAsync([("x.echo", a)]))[("x.echo", a)]);
        await standings.RefreshAsync(TestContext.Current.CancellationToken);
        Assert.Equal(5, (await standings.InFlightAsync([("x.echo", a)]))[("x.echo", a)]);
    }

    private static Did NewDid()
    {
        using var key = AgentKey.Generate();
        return key.Did;
    }

    private sealed class FakeSource : IStandingsSource
    {
        private readonly Dictionary<Did, int> _reads = [];

        public Dictionary<Did, Standing> Standings { get; } = [];

        public Dictionary<(string, Did), int> Loads { get; } = [];

        public int LoadReads { get; private set; }

        public int Reads(Did agent) => _reads.GetValueOrDefault(agent);

        public Task<IReadOnlyDictionary<Did, Standing>> StandingsAsync(IReadOnlyCollection<Did> agents)
        {
            foreach (var agent in agents)
            {
                _reads[agent] = Reads(agent) + 1;
            }

            return Task.FromResult<IReadOnlyDictionary<Did, Standing>>(agents.Where(Standings.ContainsKey).ToDictionary(a => a, a => Standings[a]));
        }

        public Task<IReadOnlyDictionary<Did, int>> InFlightAsync(string capability, ImmutableArray<Did> agents)
        {
            LoadReads++;
            return Task.FromResult<IReadOnlyDictionary<Did, int>>(
                agents.Where(a => Loads.ContainsKey((capability, a))).ToDictionary(a => a, a => Loads[(capability, a)]));
        }
    }
}
