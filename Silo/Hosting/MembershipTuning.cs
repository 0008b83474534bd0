using Orleans.Configuration;

namespace Ainur.Silo.Hosting;

/// <summary>
/// Membership settings that declare a killed silo dead in about two seconds instead of Orleans' default ~14 s, so
/// calls stop failing against it quickly (measured in STACK-NOTES). Suited to a LAN; a WAN cluster wants slower probes.
/// </summary>
internal static class MembershipTuning
{
    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }
}
