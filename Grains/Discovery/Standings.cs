using System.Collections.Concurrent;
using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Ledger;
using Ainur.Grains.Tasks;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Discovery;

/// <summary>
/// Agents' standings for ranking: routing reputation (<see cref="Routing.Reputation"/>) and whether they hold the
/// minimum stake; read from the reputation grains and the ledger, and kept for a few seconds per silo so that ranking a
/// repeated query asks neither again.
/// </summary>
public sealed class Standings(TaskSettings tasks, TimeProvider clock)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromSeconds(2);

    // Bounded: entries older than KeepFor are dropped when the table is full.
    private const int Capacity = 200_000;

    private readonly ConcurrentDictionary<Did, (Standing Standing, DateTimeOffset At)> _known = new();

    /// <summary>The standing of each of <paramref name="agents"/> that could be read (an unreadable one is missing).</summary>
    public async Task<Dictionary<Did, Standing>> GetAsync(IGrainFactory grains, ImmutableArray<Did> agents)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var now = clock.GetUtcNow();
        var result = new Dictionary<Did, Standing>();
        var stale = new List<Did>();
        foreach (var agent in agents)
        {
            if (_known.TryGetValue(agent, out var known) && now - known.At < KeepFor)
            {
                result[agent] = known.Standing;
            }
            else
            {
                stale.Add(agent);
            }
        }

        if (stale.Count == 0)
        {
            return result;
        }

        if (_known.Count > Capacity)
        {
            foreach (var old in _known.Where(k => now - k.Value.At >= KeepFor).Select(k => k.Key).ToList())
            {
                _known.TryRemove(old, out _);
            }
        }

        var query = grains.GetGrain<ILedgerQueryGrain>(0);
        var reads = stale.Select(async agent =>
        {
            var account = await PeerCall.TryAsync(query.GetAccountAsync(agent));
            var reputation = await PeerCall.TryAsync(grains.GetGrain<IReputationGrain>(agent.Value).GetAsync().AsTask());
            return (agent, account, reputation);
        });
        foreach (var (agent, account, reputation) in await Task.WhenAll(reads))
        {
            if (account is not null && reputation is not null)
            {
                var standing = new Standing(Routing.Reputation(reputation.Completed, reputation.Failed, reputation.DisputesLost), account.Account.Stake >= tasks.Policy.MinStake);
                _known[agent] = (standing, now);
                result[agent] = standing;
            }
        }

        return result;
    }
}

/// <summary>An agent's routing reputation and whether it holds the minimum stake.</summary>
public sealed record Standing(double Reputation, bool Staked);
