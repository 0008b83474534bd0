using Orleans.Configuration;

namespace Ainur.Silo.Hosting;

/// <summary>
/// Membership settings that declare a killed silo dead in about two seconds instead of Orleans' default ~14 s, so
/// calls stop failing against it quickly (measured in STACK-NOTES). Suited to a LAN; a WAN cluster, or silos on
/// crowded machines that stall for seconds, want a longer <see cref="ClusterSettings.ProbeTimeout"/> or more
/// <see cref="ClusterSettings.MissedProbesLimit"/>.
/// </summary>
internal static class MembershipTuning
{
    public static void Apply(ClusterMembershipOptions options, ClusterSettings cluster)
    {
        options.ProbeTimeout = cluster.ProbeTimeout;
        options.NumMissedProbesLimit = cluster.MissedProbesLimit;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }
}
