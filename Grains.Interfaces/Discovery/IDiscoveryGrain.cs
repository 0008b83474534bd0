using System.Collections.Immutable;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;
using Orleans.Concurrency;

namespace Ainur.Grains.Interfaces.Discovery;

/// <summary>
/// Answers discovery queries (key: 0): embeds the query (cached), asks every domain's shard, and ranks what they find by
/// the routing rules. A stateless worker: it holds no index and no stream subscription, only the silo's query cache.
/// </summary>
[Alias("ainur.IDiscoveryGrain")]
public interface IDiscoveryGrain : IGrainWithIntegerKey
{
    /// <summary>The best agents for <paramref name="query"/>, eligible ones first (see <see cref="DiscoveryResult"/>).</summary>
    [Alias("Discover")]
    Task<DiscoveryResult> DiscoverAsync(DiscoveryQuery query, long? maxPrice);
}

/// <summary>Ranked agents for a query; <see cref="Cached"/> says whether the query's embedding came from the cache.</summary>
[GenerateSerializer, Immutable, Alias("ainur.DiscoveryResult")]
public sealed record DiscoveryResult([property: Id(0)] ImmutableArray<DiscoveredAgent> Agents, [property: Id(1)] bool Cached);

/// <summary>
/// One agent's offer ranked for a query: the routing score and its parts, its load, and why it ranks where it does
/// (<see cref="Eligible"/> false with the reason when routing would pass it over).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.DiscoveredAgent")]
public sealed record DiscoveredAgent(
    [property: Id(0)] Did Agent,
    [property: Id(1)] string Name,
    [property: Id(2)] string Capability,
    [property: Id(3)] string Description,
    [property: Id(4)] double Score,
    [property: Id(5)] double Similarity,
    [property: Id(6)] double Reputation,
    [property: Id(7)] long Price,
    [property: Id(8)] int InFlight,
    [property: Id(9)] bool Present,
    [property: Id(10)] bool Staked,
    [property: Id(11)] Ineligibility Ineligible,
    [property: Id(12)] string Why)
{
    /// <summary>Whether routing could give this agent the task.</summary>
    public bool Eligible => Ineligible == Ineligibility.None;
}
