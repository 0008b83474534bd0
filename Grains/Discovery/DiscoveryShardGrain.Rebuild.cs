using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Discovery;

internal sealed partial class DiscoveryShardGrain
{
    // Agents read at once while rebuilding: enough to overlap storage reads, few enough not to flood the silo.
    private const int RebuildBatch = 256;

    /// <summary>
    /// Fills the index from the source of truth: the domain's capability ids (directory), their rosters (who offers
    /// them) and each agent's own record and stored embeddings. Remote agents count as absent until they show up again.
    /// </summary>
    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var domain = this.GetPrimaryKeyString();
        var capabilities = await GrainFactory.GetGrain<IDiscoveryDirectoryGrain>(0).CapabilitiesAsync(domain);
        var agents = new HashSet<Did>();
        foreach (var capability in capabilities)
        {
            agents.UnionWith(await GrainFactory.GetGrain<ICapabilityRosterGrain>(capability).AgentsAsync());
        }

        foreach (var batch in agents.Chunk(RebuildBatch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = await Task.WhenAll(batch.Select(a => GrainFactory.GetGrain<IAgentGrain>(a.Value).DiscoveryEntriesAsync(domain)));
            foreach (var entry in entries.SelectMany(e => e))
            {
                Add(entry);
            }
        }

        Index.Flush();
        await ChangedAsync();
    }
}
