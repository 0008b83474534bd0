using System.Collections.Immutable;

namespace Ainur.Grains.Interfaces.Discovery;

/// <summary>
/// The durable list of capability ids, by domain (key: 0, one per cluster): what a discovery shard rebuilds from after
/// a restart, and which shards a search across all domains asks. Capability ids are only added: an id nobody offers any
/// more costs an empty roster read on rebuild.
/// </summary>
[Alias("ainur.IDiscoveryDirectoryGrain")]
public interface IDiscoveryDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records <paramref name="capabilities"/> (durable before this returns; known ids cost no write).</summary>
    [Alias("Add")]
    Task AddAsync(ImmutableArray<string> capabilities);

    /// <summary>Every domain with at least one recorded capability, in order.</summary>
    [Alias("Domains")]
    Task<ImmutableArray<string>> DomainsAsync();

    /// <summary>The recorded capabilities of <paramref name="domain"/>, in order.</summary>
    [Alias("Capabilities")]
    Task<ImmutableArray<string>> CapabilitiesAsync(string domain);
}
