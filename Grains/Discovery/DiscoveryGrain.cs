using System.Collections.Immutable;
using System.Globalization;
using Ainur.Grains.Discovery.Embeddings;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;
using Orleans.Concurrency;

namespace Ainur.Grains.Discovery;

/// <summary>
/// See <see cref="IDiscoveryGrain"/>. A repeated query costs one directory read: the shards' answers come from the
/// silo's <see cref="SearchReplica"/> while the directory's versions say they still hold, and standings and loads from
/// the silo's <see cref="Standings"/> (refreshed in the background).
/// </summary>
[StatelessWorker]
internal sealed class DiscoveryGrain(QueryEmbeddings queries, SearchReplica replica, Standings standings, DiscoverySettings settings)
    : Grain, IDiscoveryGrain
{
    /// <inheritdoc/>
    public async Task<DiscoveryResult> DiscoverAsync(DiscoveryQuery query, long? maxPrice)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (vector, cached) = await queries.GetAsync(query.Text);
        var view = await GrainFactory.GetGrain<IDiscoveryDirectoryGrain>(0).ViewAsync();
        var searches = view.Versions.Keys.Select(d => SearchAsync(view, d, query, vector));
        // Only the most similar 2k are ranked: reputation is at most 1, so a hit far down by similarity rarely wins, and
        // each ranked hit costs standing and load reads when it is new to this silo.
        var hits = (await Task.WhenAll(searches)).SelectMany(h => h).OrderByDescending(h => h.Similarity).Take(2 * query.K).ToList();
        if (hits.Count == 0)
        {
            return new DiscoveryResult([], cached);
        }

        var known = await standings.GetAsync([.. hits.Select(h => h.Agent)]);
        var loads = await standings.InFlightAsync([.. hits.Select(h => (h.Capability, h.Agent))]);
        var candidates = hits.Select(h =>
        {
            var standing = known.GetValueOrDefault(h.Agent);
            return (Hit: h, Candidate: new RoutingCandidate(h.Agent, h.Capability, h.Similarity, standing?.Reputation ?? Routing.Reputation(0, 0, 0),
                h.Price, loads.GetValueOrDefault((h.Capability, h.Agent)), h.Present, standing?.Staked ?? false));
        }).ToList();

        var price = maxPrice ?? long.MaxValue;
        var ranked = Routing.Rank(candidates.Select(c => c.Candidate), price, settings.Threshold);
        var rest = candidates.Select(c => c.Candidate).Except(ranked).OrderByDescending(c => c.Similarity).ThenBy(c => c.Agent.Value, StringComparer.Ordinal);
        var byCandidate = candidates.ToDictionary(c => c.Candidate, c => c.Hit);
        var agents = ranked.Concat(rest).Take(query.K).Select(c => View(byCandidate[c], c, price)).ToImmutableArray();
        return new DiscoveryResult(agents, cached);
    }

    /// <summary>The domain's hits at or above the floor discover shows: kept by this silo if still valid, else asked of the shard and kept.</summary>
    private async Task<ImmutableArray<DiscoveryHit>> SearchAsync(DiscoveryDirectoryView view, string domain, DiscoveryQuery query, float[] vector)
    {
        if (replica.TryGet(view, domain, query.Text, query.K) is { } kept)
        {
            return kept;
        }

        var found = await GrainFactory.GetGrain<IDiscoveryShardGrain>(domain).SearchAsync(vector, query.K);
        var hits = found.Where(h => h.Similarity >= settings.ShowFloor).ToImmutableArray();
        replica.Keep(view, domain, query.Text, query.K, hits);
        return hits;
    }

    private DiscoveredAgent View(DiscoveryHit hit, RoutingCandidate c, long maxPrice)
    {
        var why = Routing.Check(c, maxPrice, settings.Threshold) switch
        {
            Ineligibility.Absent => $"absent: not seen for {settings.PresenceTtl.TotalSeconds:0} s",
            Ineligibility.Unstaked => "not staked: holds less than the minimum stake",
            Ineligibility.TooExpensive => $"price {c.Price} is above maxPrice {maxPrice}",
            Ineligibility.Dissimilar => $"weak match: similarity {F(c.Similarity)} is below the threshold {F(settings.Threshold)}, so routing passes it over",
            _ => $"similarity {F(c.Similarity)} x reputation {F(c.Reputation)} = {F(c.Score)}; present, staked, {c.InFlight} in flight",
        };
        return new DiscoveredAgent(c.Agent, hit.AgentName, c.Capability, hit.Description, c.Score, c.Similarity, c.Reputation, c.Price,
            c.InFlight, c.Present, c.Staked, Routing.Check(c, maxPrice, settings.Threshold), why);
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
