using System.Text.Json;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Grains.Tests.Cluster;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;
using Ainur.Testing;

namespace Ainur.Grains.Tests.Discovery;

/// <summary>
/// The discovery index is a cache: after every silo restarts on the same database, the shards rebuild from the
/// directory, the rosters and the agents' stored records and embeddings, and the same queries find the same agents at
/// the same similarity.
/// </summary>
public sealed class DiscoveryRestartTests
{
    private static readonly string[] Needs =
    [
        "give me the gist of this forty page report", "write down what is said in this interview recording", "remove the background behind the product shot",
        "my video file is too big to email, make it smaller", "look at my code changes and find mistakes",
    ];

    [Fact]
    public async Task Discover_AfterRestart_FindsTheSameAgentsAtTheSameSimilarity()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        var serviceId = $"discovery-{Guid.NewGuid():N}";
        var options = PostgresClusterFixture.Options(serviceId, database);
        var capabilities = LoadCapabilities().Take(60).ToList();
        var keys = capabilities.Select(_ => AgentKey.Generate()).ToList();
        try
        {
            var before = await WithClusterAsync(serviceId, options, async grains =>
            {
                for (var i = 0; i < capabilities.Count; i++)
                {
                    var (id, description) = capabilities[i];
                    var manifest = new AgentManifest($"agent-{i}", "1.0.0", [new Capability(id, description, 10 + i, "{}", "{}")],
                        new AgentRuntime(RuntimeKind.Remote, null), null);
                    Assert.Null((await grains.GetGrain<IAgentGrain>(keys[i].Did.Value).RegisterAsync(new RegisterAgent(keys[i].Did, manifest), ct)).Rejection);
                }

                return await DiscoverAllAsync(grains);
            });

            Assert.All(before, r => Assert.NotEmpty(r));
            var after = await WithClusterAsync(serviceId, options, DiscoverAllAsync);
            Assert.Equal(before.Count, after.Count);
            for (var i = 0; i < before.Count; i++)
            {
                Assert.Equal(before[i].Select(a => (a.Agent, a.Capability)), after[i].Select(a => (a.Agent, a.Capability)));
                Assert.Equal(before[i].Select(a => Math.Round(a.Similarity, 4)), after[i].Select(a => Math.Round(a.Similarity, 4)));
            }
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }
    }

    private static async Task<List<List<DiscoveredAgent>>> DiscoverAllAsync(IGrainFactory grains)
    {
        var results = new List<List<DiscoveredAgent>>();
        foreach (var need in Needs)
        {
            var query = DiscoveryQuery.TryCreate(need, 5, out _)!;
            // Nobody is staked here: every agent is ineligible and listed by similarity alone, which is what is compared.
            results.Add([.. (await grains.GetGrain<IDiscoveryGrain>(0).DiscoverAsync(query, null)).Agents]);
        }

        return results;
    }

    private static async Task<T> WithClusterAsync<T>(string serviceId, Silo.Hosting.AinurOptions options, Func<IGrainFactory, Task<T>> body)
    {
        var cluster = await PostgresTestCluster.DeployAsync(serviceId, options);
        try
        {
            return await body(cluster.Client);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private static IEnumerable<(string Id, string Description)> LoadCapabilities()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Discovery", "relevance", "capabilities.json")));
        foreach (var c in file.RootElement.GetProperty("capabilities").EnumerateArray())
        {
            yield return (c.GetProperty("id").GetString()!, c.GetProperty("description").GetString()!);
        }
    }
}
