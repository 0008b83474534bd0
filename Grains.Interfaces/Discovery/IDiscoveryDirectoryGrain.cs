using System.Collections.Immutable;
using Orleans.Concurrency;

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

    /// <summary>Every domain with its change version: what a search across all domains asks, and what silos' cached results are checked against.</summary>
    [Alias("View")]
    Task<DiscoveryDirectoryView> ViewAsync();

    /// <summary>
    /// The shard of <paramref name="domain"/> changed what a search finds there (an offer put or dropped, the shard rebuilt,
    /// an absent agent back): its version moves on, so results cached before are not used again.
    /// </summary>
    [Alias("Changed")]
    Task ChangedAsync(string domain);
}

/// <summary>
/// Every recorded domain with its change version. Versions live in the directory's memory only: <see cref="Epoch"/> is
/// new at each activation, so results cached under an earlier activation never match again.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.DiscoveryDirectoryView")]
public sealed record DiscoveryDirectoryView([property: Id(0)] Guid Epoch, [property: Id(1)] ImmutableDictionary<string, long> Versions);
