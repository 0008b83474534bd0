using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Gateway.Tests.Budgets;
using Ainur.Gateway.Tests.Tasks;
using Json.Schema;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// The OpenAPI document served by a real node describes the responses the node really sends: each real response,
/// taken through a task's life (pending, verifying, disputed, judged, settled; work items to execute and to verify;
/// its history), is valid against the schema the document declares for its path, method and status.
/// </summary>
[Collection(TaskNodeCollection.Name)]
public sealed class OpenApiContractTests(TaskNodeFixture fixture)
{
    private readonly TaskClient _tasks = new(fixture.Gateway);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TaskResponses_MatchTheDeclaredSchemas()
    {
        var contract = await ContractAsync();
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        contract.AssertMatches("/v1/agents/{did}", "get", 200, await HttpAssert.JsonAsync(await _tasks.GetAsync($"/v1/agents/{agent.Did}"), HttpStatusCode.OK));
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability);

        // Pending: no agent, result, dispute or reason yet.
        var submitted = await _tasks.SubmitAsync(draft);
        Assert.False(submitted.TryGetProperty("agent", out _));
        contract.AssertMatches("/v1/tasks", "post", 202, submitted);

        // An item to execute has no output.
        var item = await _tasks.NextAsync(agent);
        Assert.False(item.TryGetProperty("output", out _));
        contract.AssertMatches("/v1/agents/{did}/tasks/next", "get", 200, item);
        contract.AssertMatches("/v1/tasks/{id}", "get", 200, await _tasks.TaskAsync(draft.Id));

        var result = TaskClient.ResultBody(item.GetProperty("attempt").GetInt32(), """{"echo":"hello"}""");
        contract.AssertMatches("/v1/tasks/{id}/result", "post", 200, await HttpAssert.JsonAsync(await _tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/result", result), HttpStatusCode.OK));

        // Disputed: no verifiers, deadline or resolution until the bond is final; then an item to verify, with output.
        var verifier = await _tasks.AgentAsync(capability);
        var disputed = await HttpAssert.JsonAsync(await _tasks.PostAsync(draft.Client, $"/v1/tasks/{draft.Id}/dispute", await _tasks.DisputeBodyAsync(draft.Client, draft.Id)), HttpStatusCode.OK);
        contract.AssertMatches("/v1/tasks/{id}/dispute", "post", 200, disputed);
        var check = await _tasks.NextAsync(verifier);
        Assert.True(check.TryGetProperty("output", out _));
        contract.AssertMatches("/v1/agents/{did}/tasks/next", "get", 200, check);
        contract.AssertMatches("/v1/tasks/{id}", "get", 200, await _tasks.TaskAsync(draft.Id));
        contract.AssertMatches("/v1/tasks/{id}/verdict", "post", 200, await HttpAssert.JsonAsync(await _tasks.PostAsync(verifier, $"/v1/tasks/{draft.Id}/verdict", "{\"upholds\":true}"), HttpStatusCode.OK));

        contract.AssertMatches("/v1/tasks/{id}", "get", 200, await _tasks.WaitForStateAsync(draft.Id, "settled"));
        var history = await HttpAssert.JsonAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}/history"), HttpStatusCode.OK);
        Assert.Contains(history.EnumerateArray(), t => !t.TryGetProperty("actor", out _));
        Assert.Contains(history.EnumerateArray(), t => !t.TryGetProperty("detail", out _));
        contract.AssertMatches("/v1/tasks/{id}/history", "get", 200, history);
    }

    [Fact]
    public async Task BatchedResponses_MatchTheDeclaredSchemas()
    {
        var contract = await ContractAsync();
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability, deterministic: true);
        var client = await _tasks.ClientAsync();
        var draft = TaskDraft.For(client, capability);
        var onResult = await HttpAssert.JsonAsync(
            await _tasks.PostAsync(client, "/v1/tasks", draft.Body(replace: new Dictionary<string, string?> { ["accept"] = "\"on-result\"" })), HttpStatusCode.Accepted);
        contract.AssertMatches("/v1/tasks", "post", 202, onResult);

        JsonElement batch;
        do
        {
            var response = await _tasks.GetSignedAsync(agent, $"/v1/agents/{agent.Did}/tasks/next", "?wait=5&max=8");
            batch = response.StatusCode == HttpStatusCode.OK ? await HttpAssert.JsonAsync(response, HttpStatusCode.OK) : default;
        }
        while (batch.ValueKind != JsonValueKind.Object);

        contract.AssertMatches("/v1/agents/{did}/tasks/next", "get", 200, batch);
        var item = batch.GetProperty("items")[0];
        var good = TaskClient.ResultBody(item.GetProperty("attempt").GetInt32(), "{}").Insert(1, $"\"taskId\":\"{draft.Id}\",");
        var results = await HttpAssert.JsonAsync(
            await _tasks.PostAsync(agent, $"/v1/agents/{agent.Did}/results", $"{{\"results\":[{good},{{\"taskId\":\"nope\",\"attempt\":1,\"error\":\"x\"}}]}}"), HttpStatusCode.OK);
        contract.AssertMatches("/v1/agents/{did}/results", "post", 200, results);

        var accepted = await HttpAssert.JsonAsync(await _tasks.PostAsync(client, "/v1/tasks/accept", $"{{\"ids\":[\"{draft.Id}\",\"nope\"]}}"), HttpStatusCode.OK);
        contract.AssertMatches("/v1/tasks/accept", "post", 200, accepted);
    }

    [Fact]
    public async Task CancelledTask_MatchesTheDeclaredSchema()
    {
        var contract = await ContractAsync();
        var capability = TaskClient.NewCapability();

        // An agent without stake is never assigned: the task waits in pending until its client cancels it.
        await _tasks.AgentAsync(capability, staked: false);
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability);
        await _tasks.SubmitAsync(draft);
        var cancelled = await HttpAssert.JsonAsync(await _tasks.PostAsync(draft.Client, $"/v1/tasks/{draft.Id}/cancel", ""), HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        contract.AssertMatches("/v1/tasks/{id}/cancel", "post", 200, cancelled);
        contract.AssertMatches("/v1/tasks/{id}", "get", 200, await _tasks.TaskAsync(draft.Id));
        contract.AssertMatches("/v1/tasks/{id}/history", "get", 200, await HttpAssert.JsonAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}/history"), HttpStatusCode.OK));
    }

    [Fact]
    public async Task BudgetResponses_MatchTheDeclaredSchemas()
    {
        var contract = await ContractAsync();
        var budgets = new BudgetCalls(_tasks.Ledger);
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var owner = await _tasks.ClientAsync();

        var (id, created) = await budgets.OpenAsync(owner, 100);
        contract.AssertMatches("/v1/budgets", "post", 201, created);
        var topUp = await _tasks.PostAsync(owner, $"/v1/budgets/{id}/top-up", await budgets.TopUpBodyAsync(owner, id, 10));
        contract.AssertMatches("/v1/budgets/{id}/top-up", "post", 200, await HttpAssert.JsonAsync(topUp, HttpStatusCode.OK));
        var draft = TaskDraft.For(owner, capability);
        contract.AssertMatches("/v1/tasks", "post", 202, await _tasks.SubmitAsync(draft, draft.BudgetBody(id)));
        contract.AssertMatches("/v1/budgets/{id}", "get", 200, await budgets.GetAsync(id));
        var close = await _tasks.PostAsync(owner, $"/v1/budgets/{id}/close", BudgetCalls.CloseBody(owner, id));
        contract.AssertMatches("/v1/budgets/{id}/close", "post", 200, await HttpAssert.JsonAsync(close, HttpStatusCode.OK));
    }

    [Fact]
    public async Task SignedOperations_NameTheSignatureScheme_AndReadsDoNot()
    {
        var document = (await ContractAsync()).Document;

        var scheme = document["components"]!["securitySchemes"]!["httpMessageSignature"]!;
        Assert.Equal(("apiKey", "header", "Signature"), ((string?)scheme["type"], (string?)scheme["in"], (string?)scheme["name"]));
        foreach (var (path, method) in new[] { ("/v1/tasks", "post"), ("/v1/agents", "post"), ("/v1/transfers", "post"), ("/v1/agents/{did}/tasks/next", "get"), ("/v1/budgets", "post") })
        {
            var security = document["paths"]![path]![method]!["security"]?.AsArray();
            Assert.True(security?.Any(s => s!.AsObject().ContainsKey("httpMessageSignature")) == true, $"{method} {path} names no signature scheme");
        }

        foreach (var (path, method) in new[] { ("/v1/tasks/{id}", "get"), ("/v1/agents/{did}", "get"), ("/v1/budgets/{id}", "get") })
        {
            Assert.Null(document["paths"]![path]![method]!["security"]);
        }
    }

    private async Task<Contract> ContractAsync() =>
        new(JsonNode.Parse(await fixture.Gateway.Http.GetStringAsync("/openapi/v1.json", Ct))!.AsObject());

    private sealed record Contract(JsonObject Document)
    {
        /// <summary>Asserts <paramref name="body"/> is valid against the declared JSON response schema of the operation and status.</summary>
        public void AssertMatches(string path, string method, int status, JsonElement body)
        {
            var declared = Document["paths"]?[path]?[method]?["responses"]?[status.ToString(CultureInfo.InvariantCulture)]?["content"]?["application/json"]?["schema"];
            Assert.True(declared is not null, $"{method} {path} declares no JSON schema for {status}");

            // The component schemas become $defs of one JSON Schema 2020-12 document (OpenAPI 3.1's dialect).
            var root = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$defs"] = Document["components"]!["schemas"]!.DeepClone(),
            };
            foreach (var (name, value) in declared.AsObject())
            {
                root[name] = value?.DeepClone();
            }

            var schema = JsonSchema.FromText(root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal));
            var outcome = schema.Evaluate(JsonNode.Parse(body.GetRawText()), new EvaluationOptions { OutputFormat = OutputFormat.List });
            var errors = (outcome.Details ?? []).Where(d => d.Errors is not null)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"));
            Assert.True(outcome.IsValid, $"{method} {path} {status} does not match its schema:\n{string.Join("\n", errors)}\n{body}");
        }
    }
}
