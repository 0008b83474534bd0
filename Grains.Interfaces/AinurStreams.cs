namespace Ainur.Grains.Interfaces;

/// <summary>
/// Names of Orleans streams, in one place so producers, consumers and the silo agree. The provider is a memory stream
/// provider: delivery is best effort (at most once, no history), so nothing that must not be lost travels only here.
/// </summary>
public static class AinurStreams
{
    /// <summary>The stream provider every Ainur stream uses.</summary>
    public const string Provider = "ainur";

    /// <summary>An agent's <c>ReputationCounter</c> after each change (stream id: the agent's DID); the grain's state is the record.</summary>
    public const string Reputation = "reputation";

    /// <summary>
    /// <c>PresenceBeat</c>s of agents (stream id: a capability domain, see <c>DiscoveryShard.KeyOf</c>); the domain's
    /// discovery shard subscribes implicitly. Best effort: a lost beat is made up by the next one within the TTL.
    /// </summary>
    public const string Presence = "presence";
}
