using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Grains.Ledger;
using Ainur.Grains.Tasks;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Discovery;

/// <summary>Standings from the grains that own them: stake from the ledger, record from the reputation grain, loads from the capability roster.</summary>
public sealed class GrainStandingsSource(IGrainFactory grains, TaskSettings tasks) : IStandingsSource
{
    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<Did, Standing>> StandingsAsync(IReadOnlyCollection<Did> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var query = grains.GetGrain<ILedgerQueryGrain>(0);
        var reads = agents.Select(async agent =>
        {
            var account = await PeerCall.TryAsync(query.GetAccountAsync(agent));
            var reputation = await PeerCall.TryAsync(grains.GetGrain<IReputationGrain>(agent.Value).GetAsync().AsTask());
            return (agent, account, reputation);
        });
        var result = new Dictionary<Did, Standing>();
        foreach (var (agent, account, reputation) in await Task.WhenAll(reads))
        {
            if (account is not null && reputation is not null)
            {
                result[agent] = new Standing(
                    Routing.Reputation(reputation.Completed, reputation.Failed, reputation.DisputesLost), account.Account.Stake >= tasks.Policy.MinStake);
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<Did, int>> InFlightAsync(string capability, ImmutableArray<Did> agents)
    {
        try
        {
            var counts = await grains.GetGrain<ICapabilityRosterGrain>(capability).InFlightAsync(agents).WaitAsync(PeerCall.Timeout);
            return agents.Zip(counts).ToDictionary(p => p.First, p => p.Second);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // Unreadable now: the caller keeps what it had, or shows no load.
            return new Dictionary<Did, int>();
        }
    }
}
