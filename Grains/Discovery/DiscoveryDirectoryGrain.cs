using System.Collections.Immutable;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Protocol.Discovery;

namespace Ainur.Grains.Discovery;

/// <summary>
/// See <see cref="IDiscoveryDirectoryGrain"/>. The domain list is durable; the change versions are memory (a new epoch
/// per activation), since they only tell silos whether results they cached are still the shards' answer.
/// </summary>
internal sealed class DiscoveryDirectoryGrain(
    [PersistentState("directory", AinurStores.Agents)] IPersistentState<DiscoveryDirectoryState> state) : Grain, IDiscoveryDirectoryGrain
{
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly Guid _epoch = Guid.NewGuid();

    // Every query asks for the view; it is built again only after a change.
    private DiscoveryDirectoryView? _view;

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
            _view = null;
        }
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<string>> DomainsAsync() =>
        Task.FromResult(state.State.Domains.Keys.Order(StringComparer.Ordinal).ToImmutableArray());

    /// <inheritdoc/>
    public Task<ImmutableArray<string>> CapabilitiesAsync(string domain) =>
        Task.FromResult(state.State.Domains.TryGetValue(domain, out var ids) ? ids.ToImmutableArray() : []);

    /// <inheritdoc/>
    public Task<DiscoveryDirectoryView> ViewAsync() => Task.FromResult(_view ??= new DiscoveryDirectoryView(
        _epoch, state.State.Domains.Keys.ToImmutableDictionary(d => d, d => _versions.GetValueOrDefault(d), StringComparer.Ordinal)));

    /// <inheritdoc/>
    public Task ChangedAsync(string domain)
    {
        _versions[domain] = _versions.GetValueOrDefault(domain) + 1;
        _view = null;
        return Task.CompletedTask;
    }
}

/// <summary>The stored state of a <see cref="DiscoveryDirectoryGrain"/>: capability ids by domain.</summary>
[GenerateSerializer, Alias("ainur.DiscoveryDirectoryState")]
public sealed class DiscoveryDirectoryState
{
    /// <summary>The capability ids of each domain.</summary>
    [Id(0)]
    public Dictionary<string, SortedSet<string>> Domains { get; set; } = [];
}
