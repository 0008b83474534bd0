using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Discovery;

namespace Ainur.Grains.Discovery;

/// <summary>
/// Shards' answers to queries, kept per silo so that a repeated query does not ask every shard again. A kept answer
/// is used only while it is still the shard's answer: (1) the directory's epoch and the domain's version are those it
/// was kept under (a shard moves its version on every change of what a search finds there: an offer put or dropped,
/// a rebuild, an absent agent back), and (2) no present agent in it has reached the end of its presence (whether it
/// beat meanwhile only the shard knows, so the answer is asked for again). So expiry and return of presence, and
/// every registration, show in the next query as they would without this cache.
/// </summary>
public sealed class SearchReplica(TimeProvider clock, int capacity = SearchReplica.DefaultCapacity)
{
    /// <summary>Answers kept by default (one per domain and query; each some kilobytes).</summary>
    public const int DefaultCapacity = 20_000;

    private readonly LruCache<(string Domain, string Query, int K), Kept> _kept = new(capacity);

    /// <summary>The kept answer of <paramref name="domain"/>'s shard to (<paramref name="query"/>, <paramref name="k"/>), if it is still valid under <paramref name="view"/>.</summary>
    public ImmutableArray<DiscoveryHit>? TryGet(DiscoveryDirectoryView view, string domain, string query, int k)
    {
        ArgumentNullException.ThrowIfNull(view);
        return _kept.TryGet((domain, query, k), out var kept)
            && kept.Epoch == view.Epoch && kept.Version == view.Versions.GetValueOrDefault(domain) && clock.GetUtcNow() < kept.Until
            ? kept.Hits
            : null;
    }

    /// <summary>Keeps the answer <paramref name="hits"/>, which the shard gave after <paramref name="view"/> was read.</summary>
    public void Keep(DiscoveryDirectoryView view, string domain, string query, int k, ImmutableArray<DiscoveryHit> hits)
    {
        ArgumentNullException.ThrowIfNull(view);
        var until = hits.Where(h => h.Present && h.PresentUntil is not null).Select(h => h.PresentUntil!.Value).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        _kept.Set((domain, query, k), new Kept(view.Epoch, view.Versions.GetValueOrDefault(domain), until, hits));
    }

    private sealed record Kept(Guid Epoch, long Version, DateTimeOffset Until, ImmutableArray<DiscoveryHit> Hits);
}
