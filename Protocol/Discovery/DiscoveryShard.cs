namespace Ainur.Protocol.Discovery;

/// <summary>
/// Which discovery shard holds a capability: its domain, the capability id's first dotted segment
/// (<c>text.summarize</c> and <c>text.translate</c> share the shard <c>text</c>). Related capabilities stay together, so
/// a shard's index answers for a whole field and the number of shards grows with the number of fields, not of agents.
/// </summary>
public static class DiscoveryShard
{
    /// <summary>The shard key of <paramref name="capabilityId"/>.</summary>
    public static string KeyOf(string capabilityId)
    {
        ArgumentException.ThrowIfNullOrEmpty(capabilityId);
        var dot = capabilityId.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? capabilityId[..dot] : capabilityId;
    }
}
