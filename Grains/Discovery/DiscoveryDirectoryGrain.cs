using System.Collections.Immutable;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Protocol.Discovery;

namespace Ainur.Grains.Discovery;

/// <summary>See <see cref="IDiscoveryDirectoryGrain"/>.</summary>
internal sealed class DiscoveryDirectoryGrain(
    [PersistentState("directory", AinurStores.Agents)] IPersistentState<DiscoveryDirectoryState> state) : Grain, IDiscoveryDirectoryGrain
{
    /// <inheritdoc/>
    public async Task AddAsync(ImmutableArray<string> capabilities)
    {
        var added = false;
        foreach (var capability in capabilities)
        {
            var domain = DiscoveryShard.KeyOf(capability);
            if (!state.State.Domains.TryGetValue(domain, out var ids))
            {
                state.State.Domains[domain] = ids = new SortedSet<string>(StringComparer.Ordinal);
            }

            added |= ids.Add(capability);
        }

        if (added)
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<string>> DomainsAsync() =>
        Task.FromResult(state.State.Domains.Keys.Order(StringComparer.Ordinal).ToImmutableArray());

    /// <inheritdoc/>
    public Task<ImmutableArray<string>> CapabilitiesAsync(string domain) =>
        Task.FromResult(state.State.Domains.TryGetValue(domain, out var ids) ? ids.ToImmutableArray() : []);
}

/// <summary>The stored state of a <see cref="DiscoveryDirectoryGrain"/>: capability ids by domain.</summary>
[GenerateSerializer, Alias("ainur.DiscoveryDirectoryState")]
public sealed class DiscoveryDirectoryState
{
    /// <summary>The capability ids of each domain.</summary>
    [Id(0)]
    public Dictionary<string, SortedSet<string>> Domains { get; set; } = [];
}
