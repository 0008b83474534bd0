using System.Collections.Immutable;
using Ainur.Grains.Discovery.Embeddings;
using Ainur.Grains.Discovery.Index;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;
using Orleans.Streams;

namespace Ainur.Grains.Discovery;

/// <summary>
/// See <see cref="IDiscoveryShardGrain"/>. One activation per domain in the cluster (never a stateless worker: the
/// domain's presence stream reaches exactly this activation). Everything here is memory, rebuilt on activation.
/// </summary>
[ImplicitStreamSubscription(AinurStreams.Presence)]
internal sealed partial class DiscoveryShardGrain(ITextEmbedder embedder, DiscoverySettings settings, TimeProvider clock)
    : Grain, IDiscoveryShardGrain
{
    private readonly Dictionary<ulong, DiscoveryEntry> _entries = [];
    private readonly Dictionary<Did, List<ulong>> _byAgent = [];
    private readonly SortedSet<string> _agentOrder = new(StringComparer.Ordinal);
    private readonly Dictionary<Did, DateTimeOffset> _lastSeen = [];
    private VectorIndex? _index;
    private ulong _nextKey;

    private VectorIndex Index => _index ??= new VectorIndex(embedder.Dimensions);

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(AinurStreams.Provider).GetStream<PresenceBeat>(StreamId.Create(AinurStreams.Presence, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((beat, _) => SeenAsync(beat));
        await RebuildAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _index?.Dispose();
        _index = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task PutAsync(Did agent, ImmutableArray<DiscoveryEntry> entries)
    {
        Drop(agent);
        foreach (var entry in entries)
        {
            Add(entry with { Agent = agent });
        }

        _lastSeen[agent] = clock.GetUtcNow();
        return ChangedAsync();
    }

    /// <inheritdoc/>
    public Task PutManyAsync(ImmutableArray<DiscoveryEntry> entries)
    {
        var now = clock.GetUtcNow();
        foreach (var agent in entries.Select(e => e.Agent).Distinct())
        {
            Drop(agent);
            _lastSeen[agent] = now;
        }

        foreach (var entry in entries)
        {
            Add(entry);
        }

        Index.Flush();
        return ChangedAsync();
    }

    /// <inheritdoc/>
    public Task DropAsync(Did agent)
    {
        _lastSeen.Remove(agent);
        return Drop(agent) ? ChangedAsync() : Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task SeenAsync(PresenceBeat beat)
    {
        ArgumentNullException.ThrowIfNull(beat);
        // Only agents with offers here are tracked, so beats for unknown DIDs cannot grow the table.
        if (!_byAgent.ContainsKey(beat.Agent))
        {
            return Task.CompletedTask;
        }

        var now = clock.GetUtcNow();
        var back = !IsPresent(beat.Agent, now);
        var at = beat.At > now ? now : beat.At;
        if (!_lastSeen.TryGetValue(beat.Agent, out var seen) || at > seen)
        {
            _lastSeen[beat.Agent] = at;
        }

        // An agent still present only moves its expiry on (silos re-ask when a cached hit's expiry passes); one coming
        // back changes what a search finds, so cached results must not hide it.
        return back && IsPresent(beat.Agent, now) ? ChangedAsync() : Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<DiscoveryHit>> SearchAsync(float[] query, int k, string? capability = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Length != embedder.Dimensions || k < 1)
        {
            return Task.FromResult(ImmutableArray<DiscoveryHit>.Empty);
        }

        // Fetch more than asked: the caller filters by presence, stake and price after this.
        var now = clock.GetUtcNow();
        var hits = Index.Search(query, Math.Min(Math.Max(4 * k, 40), 400))
            .Where(h => _entries.ContainsKey(h.Key))
            .Select(h => (Entry: _entries[h.Key], h.Similarity))
            .Where(h => capability is null || h.Entry.Capability == capability)
            .Take(k)
            .Select(h => Hit(h.Entry, h.Similarity, now));
        return Task.FromResult(hits.ToImmutableArray());
    }

    /// <inheritdoc/>
    public Task<ImmutableDictionary<Did, float>> SimilaritiesAsync(float[] query, string capability, ImmutableArray<Did> agents)
    {
        ArgumentNullException.ThrowIfNull(query);
        var result = ImmutableDictionary.CreateBuilder<Did, float>();
        if (query.Length == embedder.Dimensions)
        {
            foreach (var agent in agents.Distinct())
            {
                if (Find(agent, capability) is { } key && Index.TryGet(key) is { } vector)
                {
                    result[agent] = Vectors.Dot(query, vector);
                }
            }
        }

        return Task.FromResult(result.ToImmutable());
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<Did>> PresentAsync(ImmutableArray<Did> agents)
    {
        var now = clock.GetUtcNow();
        return Task.FromResult(agents.Where(a => IsPresent(a, now)).ToImmutableArray());
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<ListedAgent>> ListAgentsAsync(string? capability, string? after, int limit)
    {
        var now = clock.GetUtcNow();
        var from = after ?? string.Empty;
        var page = _agentOrder.GetViewBetween(from, "\uffff")
            .Where(did => string.CompareOrdinal(did, from) > 0)
            .Select(did => Listed(Did.Parse(did), capability, now))
            .OfType<ListedAgent>()
            .Take(Math.Max(limit, 0));
        return Task.FromResult(page.ToImmutableArray());
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<CapabilitySummary>> ListCapabilitiesAsync() => Task.FromResult(_entries.Values
        .GroupBy(e => e.Capability, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => new CapabilitySummary(g.Key, g.Select(e => e.Agent).Distinct().Count(), g.Min(e => e.Price), g.Max(e => e.Price)))
        .ToImmutableArray());

    /// <inheritdoc/>
    public Task<DiscoveryShardStats> StatsAsync()
    {
        var now = clock.GetUtcNow();
        return Task.FromResult(new DiscoveryShardStats(
            _entries.Count, _byAgent.Count, _byAgent.Keys.Count(a => IsPresent(a, now)), _entries.Values.Select(e => e.Capability).Distinct().Count()));
    }

    private void Add(DiscoveryEntry entry)
    {
        var key = _nextKey++;
        Index.Add(key, entry.Vector);
        // The vector lives in the index; keeping a second copy here would double the shard's memory.
        _entries[key] = entry with { Vector = [] };
        if (!_byAgent.TryGetValue(entry.Agent, out var keys))
        {
            _byAgent[entry.Agent] = keys = [];
            _agentOrder.Add(entry.Agent.Value);
        }

        keys.Add(key);
    }

    private bool Drop(Did agent)
    {
        if (!_byAgent.Remove(agent, out var keys))
        {
            return false;
        }

        foreach (var key in keys)
        {
            Index.Remove(key);
            _entries.Remove(key);
        }

        _agentOrder.Remove(agent.Value);
        return true;
    }

    /// <summary>
    /// Tells the directory that searches here may answer differently now; returns once it knows, so a caller that saw
    /// its registration succeed finds it in the next discover on any silo.
    /// </summary>
    private Task ChangedAsync() => GrainFactory.GetGrain<IDiscoveryDirectoryGrain>(0).ChangedAsync(this.GetPrimaryKeyString());

    private ulong? Find(Did agent, string capability) =>
        _byAgent.TryGetValue(agent, out var keys) ? keys.Where(k => _entries[k].Capability == capability).Select(k => (ulong?)k).FirstOrDefault() : null;

    private bool IsPresent(Did agent, DateTimeOffset now) =>
        _byAgent.TryGetValue(agent, out var keys)
        && Presence.IsPresent(_entries[keys[0]].Source, _lastSeen.TryGetValue(agent, out var seen) ? seen : null, now, settings.PresenceTtl);

    private DiscoveryHit Hit(DiscoveryEntry entry, float similarity, DateTimeOffset now)
    {
        var present = IsPresent(entry.Agent, now);
        DateTimeOffset? until = present && entry.Source == PresenceSource.Remote ? _lastSeen[entry.Agent] + settings.PresenceTtl : null;
        return new(entry.Agent, entry.AgentName, entry.Capability, entry.Description, entry.Price, similarity, present, until);
    }

    private ListedAgent? Listed(Did agent, string? capability, DateTimeOffset now)
    {
        var offers = _byAgent[agent].Select(k => _entries[k]).Where(e => capability is null || e.Capability == capability).ToList();
        return offers.Count == 0
            ? null
            : new ListedAgent(agent, offers[0].AgentName, [.. offers.Select(e => new ListedOffer(e.Capability, e.Description, e.Price))], IsPresent(agent, now));
    }
}
