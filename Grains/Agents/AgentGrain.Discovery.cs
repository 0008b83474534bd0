using System.Collections.Immutable;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Discovery;
using Orleans.Streams;

namespace Ainur.Grains.Agents;

/// <summary>The agent's side of discovery: embeddings of its capabilities, its offers in the shards, and its presence beats.</summary>
internal sealed partial class AgentGrain
{
    private DateTimeOffset _lastBeat = DateTimeOffset.MinValue;

    async Task<bool> IAgentGrain.HeartbeatAsync()
    {
        if (state.State.Record is not { IsActive: true } record)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        if (now - _lastBeat < discovery.BeatInterval)
        {
            return true;
        }

        _lastBeat = now;
        var beat = new PresenceBeat(record.Did, now);
        var streams = this.GetStreamProvider(AinurStreams.Provider);
        foreach (var domain in Domains(record))
        {
            await streams.GetStream<PresenceBeat>(StreamId.Create(AinurStreams.Presence, domain)).OnNextAsync(beat);
        }

        return true;
    }

    async Task<ImmutableArray<DiscoveryEntry>> IAgentGrain.DiscoveryEntriesAsync(string domain) =>
        state.State.Record is { IsActive: true } record ? Entries(record, domain, await EmbedAsync(record, CancellationToken.None)) : [];

    /// <summary>
    /// Embeds the capabilities of <paramref name="record"/> whose discovery text has no stored embedding and stores the
    /// result in the grain's state (the caller writes it); true when anything changed. Dropped capabilities lose theirs.
    /// </summary>
    private async Task<bool> RefreshEmbeddingsAsync(AgentRecord record, CancellationToken cancellationToken)
    {
        var embeddings = await EmbedAsync(record, cancellationToken);
        var changed = embeddings.Count != state.State.Embeddings.Count
            || embeddings.Any(e => !state.State.Embeddings.TryGetValue(e.Key, out var old) || !ReferenceEquals(old, e.Value));
        state.State.Embeddings = embeddings;
        return changed;
    }

    /// <summary>Each capability's embedding: the stored one when its text is unchanged, else a new one.</summary>
    private async Task<Dictionary<string, CapabilityEmbedding>> EmbedAsync(AgentRecord record, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, CapabilityEmbedding>(StringComparer.Ordinal);
        var missing = new List<(string Id, string Text)>();
        foreach (var capability in record.Manifest.Capabilities)
        {
            var text = DiscoveryText.ForCapability(capability.Id, capability.Description);
            if (state.State.Embeddings.TryGetValue(capability.Id, out var stored) && stored.Text == text)
            {
                result[capability.Id] = stored;
            }
            else
            {
                missing.Add((capability.Id, text));
            }
        }

        if (missing.Count > 0)
        {
            var vectors = await embedder.EmbedAsync([.. missing.Select(m => m.Text)], cancellationToken);
            for (var i = 0; i < missing.Count; i++)
            {
                result[missing[i].Id] = new CapabilityEmbedding(missing[i].Text, vectors[i]);
            }
        }

        return result;
    }

    /// <summary>Puts the agent's offers into the shards of the domains it offers now, and takes them out of those it left.</summary>
    private async Task SyncDiscoveryAsync(AgentRecord? previous, AgentRecord current)
    {
        await GrainFactory.GetGrain<IDiscoveryDirectoryGrain>(0).AddAsync([.. current.Manifest.Capabilities.Select(c => c.Id)]);
        var now = current.IsActive ? Domains(current) : [];
        foreach (var domain in now)
        {
            await Shard(domain).PutAsync(current.Did, Entries(current, domain, state.State.Embeddings));
        }

        foreach (var domain in (previous is null ? [] : Domains(previous)).Concat(Domains(current)).Except(now).Distinct())
        {
            await Shard(domain).DropAsync(current.Did);
        }
    }

    private IDiscoveryShardGrain Shard(string domain) => GrainFactory.GetGrain<IDiscoveryShardGrain>(domain);

    private static ImmutableArray<DiscoveryEntry> Entries(AgentRecord record, string domain, Dictionary<string, CapabilityEmbedding> embeddings)
    {
        var source = record.Manifest.Runtime.Kind == RuntimeKind.Remote ? PresenceSource.Remote : PresenceSource.Hosted;
        return [.. record.Manifest.Capabilities
            .Where(c => DiscoveryShard.KeyOf(c.Id) == domain && embeddings.ContainsKey(c.Id))
            .Select(c => new DiscoveryEntry(record.Did, record.Manifest.Name, c.Id, c.Description, c.Price, source, embeddings[c.Id].Vector))];
    }

    private static List<string> Domains(AgentRecord record) =>
        [.. record.Manifest.Capabilities.Select(c => DiscoveryShard.KeyOf(c.Id)).Distinct(StringComparer.Ordinal)];
}
