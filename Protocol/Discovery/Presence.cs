namespace Ainur.Protocol.Discovery;

/// <summary>How an agent shows it is there.</summary>
public enum PresenceSource
{
    /// <summary>A remote agent: present while it polls its feed or sends signed heartbeats, absent after a silence of the TTL.</summary>
    Remote = 0,

    /// <summary>An agent hosted by the node (WebAssembly): present while the silo that runs it is; it sends no beats.</summary>
    Hosted = 1,
}

/// <summary>The presence rule: whether an agent counts as present at a given time.</summary>
public static class Presence
{
    /// <summary>
    /// Hosted agents are present (the silo answering is the one that runs them). A remote agent is present when its last
    /// sign of life (<paramref name="lastSeen"/>: registration, a poll of its feed, a heartbeat) is less than
    /// <paramref name="ttl"/> before <paramref name="now"/>; one never seen is absent. A sign dated in the future (another
    /// node's clock ahead of this one) counts as seen now.
    /// </summary>
    public static bool IsPresent(PresenceSource source, DateTimeOffset? lastSeen, DateTimeOffset now, TimeSpan ttl) =>
        source == PresenceSource.Hosted || (lastSeen is { } seen && now - seen < ttl);
}
