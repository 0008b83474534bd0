using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>
/// An agent's input schema is input from a stranger too: a pattern that backtracks without end on a crafted task input is
/// cut off by the node's time for schema checks (422, nothing created, the node serves on), and a schema no input could
/// satisfy is refused at registration.
/// </summary>
[Collection(TaskNodeCollection.Name)]
public sealed class HostileSchemaTests(TaskNodeFixture fixture)
{
    private const string Backtracking = """{"type":"object","properties":{"text":{"type":"string","pattern":"^(a+)+$"}},"required":["text"]}""";

    private readonly TaskClient _tasks = new(fixture.Gateway);

    [Fact]
    public async Task Submit_InputABacktrackingPatternCannotDecide_Is422AndChangesNothing_AndTheNodeServesOn()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability, staked: false, inputSchema: Backtracking);
        var client = await _tasks.ClientAsync();
        // 2^60 ways to split the a's before the '!' refuses the match: no backtracking engine gets through them.
        var crafted = Enumerable.Range(0, 3).Select(_ => TaskDraft.For(client, capability, input: $"{{\"text\":\"{new string('a', 60)}!\"}}")).ToList();

        // Several at once, so they meet on the same compiled schema.
        var answers = await Task.WhenAll(crafted.Select(d => _tasks.PostAsync(client, "/v1/tasks", d.Body())));

        foreach (var (draft, answer) in crafted.Zip(answers))
        {
            var problem = await HttpAssert.ProblemAsync(answer, HttpStatusCode.UnprocessableEntity, "schema-evaluation-timeout");
            var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
            Assert.True(Hash32.TryParse(error.GetProperty("schema").GetString(), out _));
            await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}"), HttpStatusCode.NotFound, "task-not-found");
            Assert.Equal("unknown", await _tasks.Ledger.TxStatusAsync(draft.PaymentLock().Id.ToString()));
        }

        await HttpAssert.JsonAsync(await _tasks.GetAsync($"/v1/agents/{agent.Did}"), HttpStatusCode.OK);
        await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(client, "/v1/tasks", TaskDraft.For(client, capability, input: """{"text":"ab"}""").Body()),
            HttpStatusCode.UnprocessableEntity, "input-schema-mismatch");
        await _tasks.SubmitAsync(TaskDraft.For(client, capability, input: """{"text":"aaaa"}"""));
    }

    public static TheoryData<string, string> UnusableSchemas => new()
    {
        { "a pattern that is no regular expression", """{"type":"object","properties":{"text":{"type":"string","pattern":"(unclosed"}}}""" },
        { "a patternProperties name that is no regular expression", """{"patternProperties":{"[z-a]":{}}}""" },
        { "a keyword of the wrong type", """{"type":5}""" },
        { "too many patterns", $"{{\"anyOf\":[{string.Join(",", Enumerable.Range(0, 65).Select(i => $"{{\"pattern\":\"^{i}$\"}}"))}]}}" },
    };

    [Theory]
    [MemberData(nameof(UnusableSchemas))]
    public async Task Register_InputSchemaNoInputCouldSatisfy_Is422AndStoresNothing(string why, string schema)
    {
        using var key = AgentKey.Generate();

        var problem = await HttpAssert.ProblemAsync(
            await _tasks.RegisterAsync(key, TaskClient.NewCapability(), schema), HttpStatusCode.UnprocessableEntity, "invalid-manifest");

        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("capabilities/0/inputSchema", error.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), why);
        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/agents/{key.Did}"), HttpStatusCode.NotFound, "agent-not-found");
    }
}
