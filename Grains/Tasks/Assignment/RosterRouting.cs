using Ainur.Grains.Interfaces.Discovery;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Grains.Ledger;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Tasks.Assignment;

/// <summary>
/// A roster's candidates as <see cref="Routing"/> sees them. The task names the capability, so every candidate matches
/// it fully (similarity 1); presence comes from the capability domain's discovery shard.
/// </summary>
internal static class RosterRouting
{
    /// <summary>The candidates that <see cref="Routing.Rank"/> keeps (present, staked), best first.</summary>
    public static IReadOnlyList<RoutingCandidate> Rank(
        string capability, IReadOnlyList<RosterEntry> entries, Func<Did, (double Reputation, bool Staked)?> standing, Func<Did, int> inFlight,
        IReadOnlySet<Did> present) =>
        Routing.Rank(
            entries.Select(e => (Entry: e, Standing: standing(e.Agent)))
                .Where(e => e.Standing is not null)
                .Select(e => new RoutingCandidate(e.Entry.Agent, capability, 1, e.Standing!.Value.Reputation, e.Entry.Price, inFlight(e.Entry.Agent),
                    present.Contains(e.Entry.Agent), e.Standing.Value.Staked)),
            long.MaxValue,
            0);

    /// <summary>
    /// Which of <paramref name="agents"/> are present, as the capability's shard says. When the shard cannot answer, all
    /// count as present: an unreachable index must not stop assignment, and an absent agent's task times out and moves on.
    /// </summary>
    public static async Task<IReadOnlySet<Did>> PresentAsync(IGrainFactory grains, string capability, IReadOnlyList<Did> agents)
    {
        if (agents.Count == 0)
        {
            return new HashSet<Did>();
        }

        var shard = grains.GetGrain<IDiscoveryShardGrain>(DiscoveryShard.KeyOf(capability));
        try
        {
            return (await shard.PresentAsync([.. agents]).WaitAsync(PeerCall.Timeout)).ToHashSet();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return agents.ToHashSet();
        }
    }
}
