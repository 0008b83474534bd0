using System.Collections.Immutable;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Interfaces.Discovery;

/// <summary>
/// The discovery index of one capability domain (key: <see cref="DiscoveryShard.KeyOf"/>): the offers of active
/// agents with their embeddings in an HNSW index, and who is present. The index is a cache: the durable part is the
/// list of the domain's capability ids; on activation the shard rebuilds from the capabilities' rosters and the
/// agents' own grain state. Presence arrives on the domain's presence stream and from the calls below.
/// </summary>
[Alias("ainur.IDiscoveryShardGrain")]
public interface IDiscoveryShardGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces the agent's offers in this domain (all of them: offers not listed are dropped); the agent counts as seen now.</summary>
    [Alias("Put")]
    Task PutAsync(Did agent, ImmutableArray<DiscoveryEntry> entries);

    /// <summary>Adds or replaces many offers at once (bulk loads: one index insertion for all).</summary>
    [Alias("PutMany")]
    Task PutManyAsync(ImmutableArray<DiscoveryEntry> entries);

    /// <summary>Removes every offer of <paramref name="agent"/> in this domain.</summary>
    [Alias("Drop")]
    Task DropAsync(Did agent);

    /// <summary>The agent showed a sign of life (also how presence stream beats arrive).</summary>
    [Alias("Seen")]
    Task SeenAsync(PresenceBeat beat);

    /// <summary>
    /// Up to <paramref name="k"/> offers nearest <paramref name="query"/> (a unit vector), most similar first, optionally
    /// of <paramref name="capability"/> only.
    /// </summary>
    [Alias("Search")]
    Task<ImmutableArray<DiscoveryHit>> SearchAsync(float[] query, int k, string? capability = null);

    /// <summary>The similarity of each of <paramref name="agents"/>' offer of <paramref name="capability"/> to <paramref name="query"/> (missing: no such offer).</summary>
    [Alias("Similarities")]
    Task<ImmutableDictionary<Did, float>> SimilaritiesAsync(float[] query, string capability, ImmutableArray<Did> agents);

    /// <summary>Which of <paramref name="agents"/> are present now.</summary>
    [Alias("Present")]
    Task<ImmutableArray<Did>> PresentAsync(ImmutableArray<Did> agents);

    /// <summary>
    /// Agents with an offer in this domain (of <paramref name="capability"/> only, when given) whose DID sorts after
    /// <paramref name="after"/> (ordinal), in DID order, at most <paramref name="limit"/>.
    /// </summary>
    [Alias("ListAgents")]
    Task<ImmutableArray<ListedAgent>> ListAgentsAsync(string? capability, string? after, int limit);

    /// <summary>The domain's capabilities with agent counts and price ranges, in id order.</summary>
    [Alias("ListCapabilities")]
    Task<ImmutableArray<CapabilitySummary>> ListCapabilitiesAsync();

    /// <summary>The shard's size.</summary>
    [Alias("Stats")]
    Task<DiscoveryShardStats> StatsAsync();
}
