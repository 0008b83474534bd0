using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Interfaces.Discovery;

/// <summary>
/// One agent's offer of one capability as the discovery index holds it: what listing shows and what search matches.
/// <see cref="Vector"/> is the unit-length MiniLM embedding of <see cref="DiscoveryText.ForCapability"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.DiscoveryEntry")]
public sealed record DiscoveryEntry(
    [property: Id(0)] Did Agent,
    [property: Id(1)] string AgentName,
    [property: Id(2)] string Capability,
    [property: Id(3)] string Description,
    [property: Id(4)] long Price,
    [property: Id(5)] PresenceSource Source,
    [property: Id(6)] float[] Vector);

/// <summary>
/// An entry found by a search: its similarity to the query (cosine, -1 to 1), whether the agent is present and, for a
/// present remote agent, when it turns absent unless it shows a sign of life first (null: hosted, or absent).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.DiscoveryHit")]
public sealed record DiscoveryHit(
    [property: Id(0)] Did Agent,
    [property: Id(1)] string AgentName,
    [property: Id(2)] string Capability,
    [property: Id(3)] string Description,
    [property: Id(4)] long Price,
    [property: Id(5)] float Similarity,
    [property: Id(6)] bool Present,
    [property: Id(7)] DateTimeOffset? PresentUntil = null);

/// <summary>A sign of life of an agent, on the presence stream of each capability domain it offers.</summary>
[GenerateSerializer, Immutable, Alias("ainur.PresenceBeat")]
public sealed record PresenceBeat([property: Id(0)] Did Agent, [property: Id(1)] DateTimeOffset At);

/// <summary>One agent in a listing: its offers in the listed shard (or of the listed capability) and whether it is present.</summary>
[GenerateSerializer, Immutable, Alias("ainur.ListedAgent")]
public sealed record ListedAgent(
    [property: Id(0)] Did Agent,
    [property: Id(1)] string Name,
    [property: Id(2)] System.Collections.Immutable.ImmutableArray<ListedOffer> Offers,
    [property: Id(3)] bool Present);

/// <summary>A capability an agent offers, as a listing shows it.</summary>
[GenerateSerializer, Immutable, Alias("ainur.ListedOffer")]
public sealed record ListedOffer([property: Id(0)] string Capability, [property: Id(1)] string Description, [property: Id(2)] long Price);

/// <summary>A capability with the number of agents offering it and the lowest and highest price they ask.</summary>
[GenerateSerializer, Immutable, Alias("ainur.CapabilitySummary")]
public sealed record CapabilitySummary(
    [property: Id(0)] string Capability,
    [property: Id(1)] int Agents,
    [property: Id(2)] long MinPrice,
    [property: Id(3)] long MaxPrice);

/// <summary>A shard's size: entries, distinct agents, entries whose agent is present, and the index's native memory estimate.</summary>
[GenerateSerializer, Immutable, Alias("ainur.DiscoveryShardStats")]
public sealed record DiscoveryShardStats(
    [property: Id(0)] int Entries,
    [property: Id(1)] int Agents,
    [property: Id(2)] int Present,
    [property: Id(3)] int Capabilities);
