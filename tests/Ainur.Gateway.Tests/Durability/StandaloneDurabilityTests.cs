using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Http;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Durability;

/// <summary>
/// A standalone gateway (one process, co-hosted silo, PostgreSQL storage) killed with SIGKILL keeps every
/// registration it acknowledged: a new process on the same database serves them all, unchanged.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class StandaloneDurabilityTests
{
    private const int Agents = 20;
    [Fact(Timeout = 180_000)]
    public async Task Registrations_AfterKillNine_AreAllServedByANewProcess()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateAsync(ct);
        var serviceId = $"durability-{Guid.NewGuid():N}";
        var keys = Enumerable.Range(0, Agents).Select(_ => AgentKey.Generate()).ToArray();
        var manifests = keys.Select((_, i) => SignedClient.EchoManifestJson($"echo-{i}")).ToArray();
        var acknowledged = new Dictionary<string, JsonNode>();
        try
        {
            // First life: register everything, each acknowledged 201 created at version 1.
            await using (var first = await GatewayProcess.StartStandaloneAsync(db, serviceId, cancellationToken: ct))
            {
                using var client = new SignedClient(first.Address);
                for (var i = 0; i < Agents; i++)
                {
                    using var response = await client.RegisterAsync(keys[i], manifests[i], ct);
                    Assert.True(response.StatusCode == HttpStatusCode.Created, await SignedClient.DescribeAsync(response));
                    var view = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
                    Assert.Equal("created", view["outcome"]!.GetValue<string>());
                    Assert.Equal(1, view["version"]!.GetValue<int>());
                    Assert.True(JsonNode.DeepEquals(JsonNode.Parse(manifests[i]), view["manifest"]), view.ToJsonString());
                    acknowledged[keys[i].Did.Value] = view;
                }

                first.Node.KillHard(); // SIGKILL right after the last acknowledgement: no graceful shutdown, no flush
            }

            // Second life on the same database: every acknowledged agent is there, same manifest and version.
            await using var second = await GatewayProcess.StartStandaloneAsync(db, serviceId, cancellationToken: ct);
            using var reader = new SignedClient(second.Address);
            for (var i = 0; i < Agents; i++)
            {
                var did = keys[i].Did.Value;
                using var response = await reader.GetAgentAsync(did, ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{did}: {await SignedClient.DescribeAsync(response)}");
                var view = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
                Assert.Equal(did, view["did"]!.GetValue<string>());
                Assert.Equal(1, view["version"]!.GetValue<int>());
                Assert.True(JsonNode.DeepEquals(acknowledged[did]["manifest"], view["manifest"]), view.ToJsonString());
                Assert.Equal(acknowledged[did]["registeredAt"]!.GetValue<DateTimeOffset>(), view["registeredAt"]!.GetValue<DateTimeOffset>());
            }

            // The same manifest again is a no-op on the restored record.
            for (var i = 0; i < Agents; i++)
            {
                using var response = await reader.RegisterAsync(keys[i], manifests[i], ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, await SignedClient.DescribeAsync(response));
                var view = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
                Assert.Equal("unchanged", view["outcome"]!.GetValue<string>());
                Assert.Equal(1, view["version"]!.GetValue<int>());
            }
        }
        finally
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }
        }
    }
}
