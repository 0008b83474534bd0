using System.Collections.Immutable;
using Ainur.Grains.Discovery;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Tasks.Assignment;

/// <summary>
/// See <see cref="ICapabilityRosterGrain"/>. Picks are answered from memory: each agent's standing (stake from the ledger,
/// reputation score), read as discovery reads it (<see cref="GrainStandingsSource"/>), is cached and refreshed in the
/// background. Presence is asked of the domain's discovery shard, and the agents it names present are taken as present
/// for <see cref="PresenceLifetime"/>: picks in that time ask again only for a candidate not among them.
/// </summary>
internal sealed class CapabilityRosterGrain(
    [PersistentState("roster", AinurStores.Agents)] IPersistentState<CapabilityRosterState> state,
    TaskSettings settings,
    DiscoverySettings discovery,
    TimeProvider clock) : Grain, ICapabilityRosterGrain
{
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);

    // Presence is judged on heartbeats seconds apart (the TTL is tens of seconds), so an agent that has just gone quiet
    // may still be picked for this long; one that has just come back is asked about at once. Without it, every pick
    // waited on a call to the shard, and the roster's picks queued behind one another.
    private static readonly TimeSpan PresenceLifetime = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Did, int> _inFlight = [];
    private readonly Dictionary<Did, Standing> _standings = [];
    private GrainStandingsSource? _source;
    private long _turn;
    private (IReadOnlySet<Did> Agents, DateTimeOffset At) _present = (new HashSet<Did>(), DateTimeOffset.MinValue);

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(RefreshAsync, new GrainTimerCreationOptions(RefreshPeriod, RefreshPeriod) { Interleave = true });
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task UpsertAsync(RosterEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (state.State.Entries.TryGetValue(entry.Agent.Value, out var current) && current == entry)
        {
            return;
        }

        state.State.Entries[entry.Agent.Value] = entry;
        await state.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task RemoveAsync(Did agent)
    {
        if (state.State.Entries.Remove(agent.Value))
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<CapabilitySchema>> GetSchemasAsync() => Task.FromResult(
        Active().GroupBy(e => e.InputSchemaHash).Select(g => new CapabilitySchema(g.Key, g.First().InputSchema, g.Any(e => e.Deterministic))).ToImmutableArray());

    /// <inheritdoc/>
    public async Task<RosterPick?> PickAsync(long maxPrice, ImmutableArray<Hash32> schemas, ImmutableArray<Did> exclude, bool deterministic)
    {
        var candidates = Active()
            .Where(e => e.Price <= maxPrice && schemas.Contains(e.InputSchemaHash) && !exclude.Contains(e.Agent) && (e.Deterministic || !deterministic))
            .ToList();
        var best = Routing.Choose(await RankAsync(candidates), discovery.TopFew, _turn++);
        if (best is null)
        {
            return null;
        }

        _inFlight[best.Agent] = InFlight(best.Agent) + 1;
        var module = state.State.Entries.GetValueOrDefault(best.Agent.Value)?.ModuleHash;
        return new RosterPick(best.Agent, best.Price, module is not null && Hash32.TryParse(module, out var hash) ? hash : null);
    }

    /// <inheritdoc/>
    public async Task<ImmutableArray<Did>> PickVerifiersAsync(int count, ImmutableArray<Did> exclude)
    {
        var candidates = Active().Where(e => !exclude.Contains(e.Agent)).ToList();
        return [.. (await RankAsync(candidates)).Take(count).Select(e => e.Agent)];
    }

    /// <inheritdoc/>
    public Task DoneAsync(Did agent)
    {
        if (InFlight(agent) > 1)
        {
            _inFlight[agent]--;
        }
        else
        {
            _inFlight.Remove(agent);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<Did>> AgentsAsync() => Task.FromResult(state.State.Entries.Values.Select(e => e.Agent).ToImmutableArray());

    /// <inheritdoc/>
    public Task<ImmutableArray<int>> InFlightAsync(ImmutableArray<Did> agents) => Task.FromResult(agents.Select(InFlight).ToImmutableArray());

    /// <inheritdoc/>
    public Task<bool?> IsDeterministicAsync(Did agent) =>
        Task.FromResult(state.State.Entries.TryGetValue(agent.Value, out var entry) ? entry.Deterministic : (bool?)null);

    /// <inheritdoc/>
    public Task<RosterEntry?> GetEntryAsync(Did agent) => Task.FromResult(state.State.Entries.GetValueOrDefault(agent.Value));

    /// <summary>Present, staked candidates, best first by reputation (see <see cref="RosterRouting"/>).</summary>
    private async Task<IReadOnlyList<RoutingCandidate>> RankAsync(List<RosterEntry> candidates)
    {
        var unknown = candidates.Where(c => !_standings.ContainsKey(c.Agent)).Select(c => c.Agent).ToList();
        if (unknown.Count > 0)
        {
            await LoadStandingsAsync(unknown);
        }

        var present = await PresentAsync(candidates);
        return RosterRouting.Rank(this.GetPrimaryKeyString(), candidates,
            agent => _standings.TryGetValue(agent, out var s) ? (s.Reputation, s.Staked) : null, InFlight, present);
    }

    /// <summary>The present ones among <paramref name="candidates"/>: the last answer while it is fresh and names them all.</summary>
    private async Task<IReadOnlySet<Did>> PresentAsync(List<RosterEntry> candidates)
    {
        var now = clock.GetUtcNow();
        if (now - _present.At < PresenceLifetime && candidates.All(c => _present.Agents.Contains(c.Agent)))
        {
            return _present.Agents;
        }

        var present = await RosterRouting.PresentAsync(GrainFactory, this.GetPrimaryKeyString(), [.. candidates.Select(c => c.Agent)]);
        _present = (present, now);
        return present;
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var agents = Active().Select(e => e.Agent).ToList();
        if (agents.Count > 0)
        {
            await LoadStandingsAsync(agents);
        }
    }

    /// <summary>Reads the standings of <paramref name="agents"/>; an agent whose reads fail keeps its old standing (or none).</summary>
    private async Task LoadStandingsAsync(List<Did> agents)
    {
        _source ??= new GrainStandingsSource(GrainFactory, settings);
        foreach (var (agent, standing) in await _source.StandingsAsync(agents))
        {
            _standings[agent] = standing;
        }
    }

    private IEnumerable<RosterEntry> Active() => state.State.Entries.Values.Where(e => e.Active);

    private int InFlight(Did agent) => _inFlight.GetValueOrDefault(agent);
}
