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
/// See <see cref="IDiscoveryGrain"/>. The silo keeps agents' standings (stake, reputation) for a few seconds, so a
/// repeated query costs the directory read, the shards' searches and the rosters' load counts only.
/// </summary>
[StatelessWorker]
internal sealed class DiscoveryGrain(QueryEmbeddings queries, Standings standings, DiscoverySettings settings)
    : Grain, IDiscoveryGrain
{
    /// <inheritdoc/>
    public async Task<DiscoveryResult> DiscoverAsync(DiscoveryQuery query, long? maxPrice)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (vector, cached) = queries.Get(query.Text);
        var domains = await GrainFactory.GetGrain<IDiscoveryDirectoryGrain>(0).DomainsAsync();
        var searches = domains.Select(d => GrainFactory.GetGrain<IDiscoveryShardGrain>(d).SearchAsync(vector, query.K));
        // Only the most similar 2k are ranked: reputation is at most 1, so a hit far down by similarity rarely wins, and
        // each ranked hit costs standing and load reads.
        var hits = (await Task.WhenAll(searches)).SelectMany(h => h).Where(h => h.Similarity >= settings.Threshold)
            .OrderByDescending(h => h.Similarity).Take(2 * query.K).ToList();
        if (hits.Count == 0)
        {
            return new DiscoveryResult([], cached);
        }

        var known = await standings.GetAsync(GrainFactory, [.. hits.Select(h => h.Agent).Distinct()]);
        var loads = await InFlightAsync(hits);
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

    private async Task<Dictionary<(string, Did), int>> InFlightAsync(List<DiscoveryHit> hits)
    {
        var reads = hits.GroupBy(h => h.Capability).Select(async g =>
        {
            var agents = g.Select(h => h.Agent).Distinct().ToImmutableArray();
            var counts = await GrainFactory.GetGrain<ICapabilityRosterGrain>(g.Key).InFlightAsync(agents);
            return agents.Select((a, i) => (Key: (g.Key, a), Count: counts[i]));
        });
        return (await Task.WhenAll(reads)).SelectMany(r => r).ToDictionary(r => r.Key, r => r.Count);
    }

    private DiscoveredAgent View(DiscoveryHit hit, RoutingCandidate c, long maxPrice)
    {
        var why = Routing.Check(c, maxPrice, settings.Threshold) switch
        {
            Ineligibility.Absent => $"absent: not seen for {settings.PresenceTtl.TotalSeconds:0} s",
            Ineligibility.Unstaked => "not staked: holds less than the minimum stake",
            Ineligibility.TooExpensive => $"price {c.Price} is above maxPrice {maxPrice}",
            Ineligibility.Dissimilar => $"similarity {F(c.Similarity)} is below the threshold {F(settings.Threshold)}",
            _ => $"similarity {F(c.Similarity)} x reputation {F(c.Reputation)} = {F(c.Score)}; present, staked, {c.InFlight} in flight",
        };
        return new DiscoveredAgent(c.Agent, hit.AgentName, c.Capability, hit.Description, c.Score, c.Similarity, c.Reputation, c.Price,
            c.InFlight, c.Present, c.Staked, Routing.Check(c, maxPrice, settings.Threshold), why);
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
