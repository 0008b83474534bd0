using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Reputation;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Ainur.Grains.Tests.Reputation;

/// <summary>Reads what the reputation store holds for a grain, past the grain (its memory may differ).</summary>
internal static class StoredReputation
{
    public static async Task<GrainState<ReputationGrainState>> ReadAsync(InProcessTestCluster cluster, IReputationGrain grain)
    {
        var storage = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(AinurStores.Reputation);
        var state = new GrainState<ReputationGrainState>(new ReputationGrainState());
        await storage.ReadStateAsync("reputation", grain.GetGrainId(), state);
        return state;
    }

    /// <summary>The stored state, which must exist.</summary>
    public static async Task<ReputationGrainState> StateAsync(InProcessTestCluster cluster, IReputationGrain grain)
    {
        var stored = await ReadAsync(cluster, grain);
        Assert.True(stored.RecordExists, "nothing is stored for the grain");
        return stored.State!;
    }
}
