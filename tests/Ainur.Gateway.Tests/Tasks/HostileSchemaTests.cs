using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ainur.Gateway.Hosting;
using Ainur.Gateway.Tasks;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>
/// An agent's input schema is input from a stranger too: a pattern that backtracks without end on a crafted task input is
/// cut off by the node's time for schema checks (422, nothing created, the node serves on); a schema whose evaluation
/// is unbounded (a $ref cycle that would overflow the stack) or no input could satisfy is refused at registration; an
/// input that would cost a schema too much work (exponential recursion, quadratic uniqueItems) is refused before
/// evaluation; and hostile checks run on a bounded pool, so they cannot hold the threads the ledger needs.
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
        { "a $ref to itself (stack overflow)", """{"$ref":"#"}""" },
        { "a $ref cycle through $defs", """{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"allOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}""" },
        { "a $dynamicRef to itself", """{"$dynamicAnchor":"node","$dynamicRef":"#node"}""" },
        { "a $recursiveRef", """{"$recursiveAnchor":true,"$recursiveRef":"#"}""" },
        { "a remote $ref", """{"$ref":"https://schemas.example/x.json"}""" },
        { "a $ref that names nothing", """{"properties":{"a":{"$ref":"#/$defs/missing"}}}""" },
        { "an unknown dialect", """{"$schema":"https://schemas.example/dialect"}""" },
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

    [Fact]
    public async Task Register_SelfReferencingSchema_Is422WithTheCycle()
    {
        using var key = AgentKey.Generate();

        var problem = await HttpAssert.ProblemAsync(
            await _tasks.RegisterAsync(key, TaskClient.NewCapability(), """{"type":"array","items":{"type":"string"},"$ref":"#"}"""),
            HttpStatusCode.UnprocessableEntity, "invalid-manifest");

        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Contains("cycle", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_RecursiveAlternativesOnADeepInput_Is422TooCostlyAtOnce_AndAShallowInputIsStillChecked()
    {
        // Two alternatives that both recurse into every item: JsonSchema.Net builds 2^depth evaluations (users saw 10 s at
        // depth 12 with three); any nested arrays satisfy it, so only the cost refuses the deep one.
        const string schema = """{"oneOf":[{"type":"array","items":{"$ref":"#"},"minItems":1},{"type":"array","items":{"$ref":"#"},"maxItems":0}]}""";
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false, inputSchema: schema);
        var client = await _tasks.ClientAsync();
        var deep = TaskDraft.For(client, capability, input: Nested(14));

        var started = Stopwatch.StartNew();
        var answer = await _tasks.PostAsync(client, "/v1/tasks", deep.Body());
        var elapsed = started.Elapsed;

        var problem = await HttpAssert.ProblemAsync(answer, HttpStatusCode.UnprocessableEntity, "schema-evaluation-too-costly");
        Assert.Contains("steps", Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"the refusal took {elapsed}");
        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/tasks/{deep.Id}"), HttpStatusCode.NotFound, "task-not-found");
        // The schema still decides what it can afford.
        await _tasks.SubmitAsync(TaskDraft.For(client, capability, input: "[[],[]]"));
    }

    [Fact]
    public async Task Submit_UniqueItemsOverAThousandItems_Is422TooCostlyAtOnce_AndAShortArrayIsStillChecked()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false, inputSchema: """{"type":"array","uniqueItems":true}""");
        var client = await _tasks.ClientAsync();
        // Equal items: every pair is a duplicate, which JsonSchema.Net also lists in its message.
        var many = TaskDraft.For(client, capability, input: JsonSerializer.Serialize(new int[1000]));

        var started = Stopwatch.StartNew();
        var answer = await _tasks.PostAsync(client, "/v1/tasks", many.Body());
        var elapsed = started.Elapsed;

        await HttpAssert.ProblemAsync(answer, HttpStatusCode.UnprocessableEntity, "schema-evaluation-too-costly");
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"the refusal took {elapsed}");
        await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(client, "/v1/tasks", TaskDraft.For(client, capability, input: "[1,2,2]").Body()),
            HttpStatusCode.UnprocessableEntity, "input-schema-mismatch");
        await _tasks.SubmitAsync(TaskDraft.For(client, capability, input: "[1,2,3]"));
    }

    [Fact]
    public async Task Submit_InputNestedPastTheBound_Is422BeforeAnySchemaSeesIt()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false, inputSchema: "{}");
        var client = await _tasks.ClientAsync();
        var deep = TaskDraft.For(client, capability, input: Nested(InputShape.MaxDepth + 1));

        await HttpAssert.ProblemAsync(await _tasks.PostAsync(client, "/v1/tasks", deep.Body()), HttpStatusCode.UnprocessableEntity, "input-too-complex");

        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/tasks/{deep.Id}"), HttpStatusCode.NotFound, "task-not-found");
        await _tasks.SubmitAsync(TaskDraft.For(client, capability, input: Nested(InputShape.MaxDepth)));
    }

    [Fact]
    public async Task Submit_EightHostileChecksAtOnce_RunOnTheBoundedPool_AndTheLedgerKeepsFinalizing()
    {
        var pool = fixture.Gateway.Services.GetRequiredService<SchemaCheckPool>();
        var (backtracking, unique) = (TaskClient.NewCapability(), TaskClient.NewCapability());
        await _tasks.AgentAsync(backtracking, staked: false, inputSchema: Backtracking);
        await _tasks.AgentAsync(unique, staked: false, inputSchema: """{"type":"array","uniqueItems":true}""");
        var client = await _tasks.ClientAsync();
        var payer = await _tasks.ClientAsync();
        var baseline = await TransferFinalityAsync(payer, 1);

        // Half spend their whole time budget backtracking, half would compare 500,000 pairs of equal items: together
        // they want far more than one core.
        var crafted = Enumerable.Range(0, 8).Select(i => i % 2 == 0
            ? TaskDraft.For(client, backtracking, input: $"{{\"text\":\"{new string('a', 60)}!\"}}")
            : TaskDraft.For(client, unique, input: JsonSerializer.Serialize(new int[1000]))).ToList();
        var hostile = crafted.Select(d => _tasks.PostAsync(client, "/v1/tasks", d.Body())).ToList();
        await Task.Delay(200, TestContext.Current.CancellationToken);
        var loaded = await TransferFinalityAsync(payer, 2);
        var answers = await Task.WhenAll(hostile);

        TestContext.Current.TestOutputHelper?.WriteLine($"transfer finality: {baseline} before, {loaded} during the hostile checks");
        // Generous, for a shared machine: users saw finality go from ~20 ms to ~2 s with eight hostile checks.
        Assert.True(loaded < baseline * 5 + TimeSpan.FromMilliseconds(1500), $"a transfer took {loaded} to finalize during the hostile checks, {baseline} before");
        foreach (var answer in answers)
        {
            // Refused as undecided or too costly, or (the queue full) as busy: never accepted, never another 5xx.
            var problem = await HttpAssert.ProblemAsync(answer, answer.StatusCode == HttpStatusCode.ServiceUnavailable ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.UnprocessableEntity);
            Assert.Contains(problem.GetProperty("code").GetString(), new[] { "schema-check-busy", "schema-evaluation-timeout", "schema-evaluation-too-costly" });
        }

        Assert.InRange(pool.PeakRunning, 1, pool.Workers);
        Assert.True(pool.Workers < Environment.ProcessorCount || Environment.ProcessorCount == 1, $"{pool.Workers} workers on {Environment.ProcessorCount} cores leave none free");
    }

    [Fact]
    public async Task Submit_OrdinaryInputWhileHostileChecksFillThePool_IsAcceptedWithoutWaitingForThePool()
    {
        var pool = fixture.Gateway.Services.GetRequiredService<SchemaCheckPool>();
        var queue = fixture.Gateway.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.SchemaCheckQueue;
        var (backtracking, plain) = (TaskClient.NewCapability(), TaskClient.NewCapability());
        await _tasks.AgentAsync(backtracking, staked: false, inputSchema: Backtracking);
        await _tasks.AgentAsync(plain, staked: false, inputSchema: """{"type":"object","properties":{"text":{"type":"string"}}}""");
        var client = await _tasks.ClientAsync();

        // More backtracking checks than the workers and the queue hold: each takes the whole check time.
        var hostile = Enumerable.Range(0, pool.Workers + queue + 4)
            .Select(_ => _tasks.PostAsync(client, "/v1/tasks", TaskDraft.For(client, backtracking, input: $"{{\"text\":\"{new string('a', 60)}!\"}}").Body()))
            .ToList();
        var pending = hostile.ToList();
        while (true)
        {
            var answered = await Task.WhenAny(pending);
            pending.Remove(answered);
            if ((await answered).StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                break;
            }
        }

        var ordinary = await _tasks.PostAsync(client, "/v1/tasks", TaskDraft.For(client, plain, input: """{"text":"hello"}""").Body());

        Assert.Equal(HttpStatusCode.Accepted, ordinary.StatusCode);
        await Task.WhenAll(hostile);
    }

    [Theory]
    [InlineData("name", "\"ech\u202Eo\"", "\"Echoes.\"", "\"https://agent.example/run\"")]
    [InlineData("capabilities/0/description", "\"echo\"", "\"Echoes\u200B its input.\"", "\"https://agent.example/run\"")]
    [InlineData("endpoint", "\"echo\"", "\"Echoes.\"", "\"https://agent:secret@agent.example/\"")]
    [InlineData("endpoint", "\"echo\"", "\"Echoes.\"", "\"http://169.254.169.254/latest/meta-data/\"")]
    [InlineData("endpoint", "\"echo\"", "\"Echoes.\"", "\"http://metadata.google.internal/\"")]
    public async Task Register_HiddenCharactersOrAMetadataEndpoint_Is422AndStoresNothing(string field, string name, string description, string endpoint)
    {
        using var key = AgentKey.Generate();
        var manifest = $$$"""
            {"name":{{{name}}},"version":"1.0.0","capabilities":[{"id":"{{{TaskClient.NewCapability()}}}","description":{{{description}}},"price":1,
             "inputSchema":{},"outputSchema":{}}],"runtime":{"kind":"remote"},"endpoint":{{{endpoint}}}}
            """;

        var problem = await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(key, "/v1/agents", $"{{\"did\":{JsonSerializer.Serialize(key.Did.Value)},\"manifest\":{manifest}}}"),
            HttpStatusCode.UnprocessableEntity, "invalid-manifest");

        Assert.Equal(field, Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("field").GetString());
        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/agents/{key.Did}"), HttpStatusCode.NotFound, "agent-not-found");
    }

    private async Task<TimeSpan> TransferFinalityAsync(AgentKey payer, long nonce)
    {
        using var payee = AgentKey.Generate();
        var started = Stopwatch.StartNew();
        await HttpAssert.JsonAsync(await _tasks.Ledger.TransferAsync(payer, payee.Did, 1, nonce), HttpStatusCode.OK);
        return started.Elapsed;
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);
}
