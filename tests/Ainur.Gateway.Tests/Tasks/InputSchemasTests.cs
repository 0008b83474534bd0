using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Gateway.Hosting;
using Ainur.Gateway.Tasks;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Hashing;
using CsCheck;
using Json.Schema;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>The gateway's input-schema check: the same answers as JsonSchema.Net, within the node's time for it.</summary>
public sealed class InputSchemasTests
{
    private const string Backtracking = """{"type":"object","properties":{"text":{"type":"string","pattern":"^(a+)+$"}},"required":["text"]}""";

    // 2^60 ways to split the a's before the '!' refuses the match: no backtracking engine gets through them.
    private static readonly string Crafted = $"{{\"text\":\"{new string('a', 60)}!\"}}";

    [Fact]
    public void Check_BacktrackingPatternOnACraftedInput_TimesOutUndecided()
    {
        var check = Schemas().Check(JsonNode.Parse(Crafted), [Schema(Backtracking)]);

        Assert.True(check.TimedOut);
        Assert.Empty(check.Satisfied);
        Assert.Contains("not decided", Assert.Single(check.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ManyStringsEachSlowButUnderTheMatchTimeout_StopsAtTheBudgetForTheWholeInput()
    {
        // Each string alone backtracks for well under a match timeout; all of them together far exceed the budget. Only a
        // time for the whole check (not one per match) ends this with TimedOut rather than, much later, a mismatch.
        var schema = Schema("""{"type":"array","items":{"type":"string","pattern":"^(a+)+$"}}""");
        var input = JsonSerializer.Serialize(Enumerable.Range(0, 2000).Select(_ => new string('a', 16) + "!"));

        var check = Schemas().Check(JsonNode.Parse(input), [schema]);

        Assert.True(check.TimedOut);
        Assert.Empty(check.Satisfied);
    }

    [Fact]
    public void Check_SchemaThatRanOutOfTimeBefore_IsTriedLast_SoOthersAreStillDecided()
    {
        // The plain schema is first compiled inside the second check's budget: 200 ms was not enough for that on a
        // loaded CI machine. The slow one never finishes (2^60 splits), so a larger budget changes nothing else.
        var schemas = Schemas(milliseconds: 1000);
        var slow = Schema(Backtracking);
        var plain = Schema("""{"type":"object","properties":{"text":{"type":"string"}}}""");

        var first = schemas.Check(JsonNode.Parse(Crafted), [slow, plain]);
        var second = schemas.Check(JsonNode.Parse(Crafted), [slow, plain]);

        Assert.True(first.TimedOut);
        Assert.Empty(first.Satisfied);
        Assert.Equal([plain.Hash], second.Satisfied);
    }

    [Fact]
    public void Check_ConcurrentChecksOfOneSchema_AllGetTheirOwnAnswer()
    {
        var schemas = Schemas();
        var schema = Schema("""{"type":"object","properties":{"n":{"type":"integer","minimum":10}},"required":["n"]}""");

        var answers = Enumerable.Range(0, 400).AsParallel().Select(n => (n, schemas.Check(JsonNode.Parse($"{{\"n\":{n % 20}}}"), [schema]).Satisfied.Length)).ToList();

        Assert.All(answers, a => Assert.Equal(a.n % 20 >= 10 ? 1 : 0, a.Length));
    }

    [Fact]
    public void Check_OrdinaryPatterns_AgreeWithJsonSchemaNet()
    {
        string[] texts =
        [
            """{"type":"string","pattern":"^a+$"}""",
            """{"type":"array","items":{"pattern":"^[ab]*1$"}}""",
            """{"patternProperties":{"^b":{"type":"string","pattern":"1"}},"additionalProperties":{"type":"array"}}""",
            """{"propertyNames":{"pattern":"^(ab|a)*$"},"additionalProperties":{"items":{"pattern":"\\d"}}}""",
        ];
        var schemas = Schemas(5000);
        var strings = Gen.String[Gen.Char["ab1-"], 0, 6];
        var inputs = Gen.OneOf(
            strings.Select(s => JsonSerializer.Serialize(s)),
            strings.Array[0, 4].Select(a => JsonSerializer.Serialize(a)),
            Gen.Dictionary(strings, strings.Array[0, 3])[0, 3].Select(d => JsonSerializer.Serialize(d)));

        Gen.Select(Gen.Int[0, texts.Length - 1], inputs).Sample((i, input) =>
        {
            var expected = JsonSchema.FromText(texts[i]).Evaluate(JsonNode.Parse(input)).IsValid;
            var check = schemas.Check(JsonNode.Parse(input), [Schema(texts[i])]);
            return !check.TimedOut && expected == !check.Satisfied.IsEmpty;
        }, iter: 2000);
    }

    [Fact]
    public void Vet_RefusesEachInputSchemaNoInputCouldSatisfy_AndAcceptsUpToThePatternLimit()
    {
        string[] schemas =
        [
            Backtracking,
            """{"type":"string","pattern":"(unclosed"}""",
            """{"patternProperties":{"[z-a]":{}}}""",
            """{"type":5}""",
            Patterns(SchemaPatterns.MaxPatterns),
            Patterns(SchemaPatterns.MaxPatterns + 1),
            "true",
        ];
        var manifest = new AgentManifest("a", "1", [.. schemas.Select((s, i) => new Capability($"c{i}", "d", 1, s, "{}"))], new AgentRuntime(RuntimeKind.Remote, null), null);

        var errors = Schemas().Vet(manifest).ToList();

        Assert.Equal(["capabilities/1/inputSchema", "capabilities/2/inputSchema", "capabilities/3/inputSchema", "capabilities/5/inputSchema"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));

        static string Patterns(int count) => $"{{\"anyOf\":[{string.Join(",", Enumerable.Range(0, count).Select(i => $"{{\"pattern\":\"^{i}$\"}}"))}]}}";
    }

    [Theory]
    [InlineData("""{"$ref":"#"}""", "cycle")]
    [InlineData("""{"$defs":{"a":{"not":{"$ref":"#/$defs/a"}}},"items":{"$ref":"#/$defs/a"}}""", "cycle")]
    [InlineData("""{"$dynamicAnchor":"node","$dynamicRef":"#node"}""", "$dynamicRef")]
    [InlineData("""{"$recursiveAnchor":true,"anyOf":[{"$recursiveRef":"#"}]}""", "$recursiveRef")]
    public void Check_StoredSchemaThatWouldRecurseWithoutEnd_IsRefusedWithoutEvaluating(string text, string reason)
    {
        // Stored before registration refused such schemas: evaluating one overflows the stack, which ends the process.
        var check = Schemas(5000).Check(JsonNode.Parse("[1,[2]]"), [Schema(text), Schema("{}")]);

        Assert.Single(check.Satisfied);
        Assert.Contains(reason, Assert.Single(check.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_InputThatWouldNestEvaluationsPastTheBound_IsNotDecided_AndNotEvaluated()
    {
        // Eight levels of allOf per input level: an input 31 deep nests about 280 evaluations, past InputSchemas.MaxNesting.
        var schema = Schema("""{"allOf":[{"allOf":[{"allOf":[{"allOf":[{"allOf":[{"allOf":[{"allOf":[{"items":{"$ref":"#"}}]}]}]}]}]}]}]}""");
        var deep = new string('[', 31) + new string(']', 31);

        var check = Schemas(5000).Check(JsonNode.Parse(deep), [schema]);

        Assert.True(check.TooCostly);
        Assert.Contains("nest", Assert.Single(check.Errors).Message, StringComparison.Ordinal);
        Assert.Single(Schemas(5000).Check(JsonNode.Parse("[[[]]]"), [schema]).Satisfied);
    }

    [Fact]
    public void Check_InputBeyondTheShapeBounds_IsRefusedBeforeAnySchema() =>
        Assert.Throws<ArgumentException>(() => Schemas().Check(JsonNode.Parse(new string('[', InputShape.MaxDepth + 1) + new string(']', InputShape.MaxDepth + 1)), [Schema("{}")]));

    [Fact]
    public async Task Pool_RunsAtMostItsWorkers_AndRefusesWhenTheQueueIsFull()
    {
        using var pool = new SchemaCheckPool(Options.Create(new GatewayOptions { SchemaCheckWorkers = 1, SchemaCheckQueue = 1 }));
        using var gate = new ManualResetEventSlim();
        using var started = new SemaphoreSlim(0);

        var running = pool.TryRun(() => { started.Release(); gate.Wait(); return 1; }, TestContext.Current.CancellationToken);
        await started.WaitAsync(TestContext.Current.CancellationToken);
        var queued = pool.TryRun(() => 2, TestContext.Current.CancellationToken);
        var refused = pool.TryRun(() => 3, TestContext.Current.CancellationToken);
        gate.Set();

        Assert.Null(refused);
        Assert.Equal(new[] { 1, 2 }, await Task.WhenAll(running!, queued!));
        Assert.Equal(1, pool.PeakRunning);
    }

    [Fact]
    public async Task Pool_CheckWhoseCallerLeftBeforeItRan_IsNotRun()
    {
        using var pool = new SchemaCheckPool(Options.Create(new GatewayOptions { SchemaCheckWorkers = 1, SchemaCheckQueue = 4 }));
        using var gate = new ManualResetEventSlim();
        using var left = new CancellationTokenSource();
        var ran = false;

        var blocking = pool.TryRun(() => gate.Wait(TimeSpan.FromSeconds(30)), TestContext.Current.CancellationToken);
        var abandoned = pool.TryRun(() => ran = true, left.Token);
        await left.CancelAsync();
        gate.Set();

        await blocking!;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned!);
        Assert.False(ran);
    }

    [Fact]
    public void IsCheap_SmallInputAgainstSchemasWithoutPatterns_IsTrue()
    {
        var schemas = Schemas();

        Assert.True(schemas.IsCheap(JsonNode.Parse("""{"text":"hello","n":3}"""),
            [Schema("""{"type":"object","properties":{"text":{"type":"string"},"n":{"type":"integer"}}}"""), Schema("""{"type":"object"}""")]));
    }

    [Fact]
    public void IsCheap_SchemaWithAPattern_IsFalse_SoItsRegexRunsOnThePool()
    {
        Assert.False(Schemas().IsCheap(JsonNode.Parse("""{"text":"aaa"}"""), [Schema(Backtracking)]));
    }

    [Fact]
    public void IsCheap_InputCostingMoreStepsThanTheInlineLimit_IsFalse()
    {
        var schema = Schema("""{"type":"array","items":{"type":"object","properties":{"a":{"type":"integer"}}}}""");
        var schemas = Schemas();
        var small = JsonNode.Parse(JsonSerializer.Serialize(Enumerable.Range(0, 4).Select(i => new { a = i })));
        var large = JsonNode.Parse(JsonSerializer.Serialize(Enumerable.Range(0, (int)schemas.InlineSteps).Select(i => new { a = i })));

        Assert.True(schemas.IsCheap(small, [schema]));
        Assert.False(schemas.IsCheap(large, [schema]));
    }

    [Fact]
    public void IsCheap_StepsAddUpOverTheCapabilitysSchemas()
    {
        var schemas = Schemas();
        var one = Schema("""{"type":"array","items":{"type":"integer"}}""");
        var other = Schema("""{"type":"array","items":{"type":"number"}}""");
        var input = JsonNode.Parse(JsonSerializer.Serialize(Enumerable.Range(0, (int)(schemas.InlineSteps * 2 / 3))));

        Assert.True(schemas.IsCheap(input, [one]));
        Assert.False(schemas.IsCheap(input, [one, other]));
    }

    private static InputSchemas Schemas(int milliseconds = 200) => new(Options.Create(new GatewayOptions { SchemaCheckMilliseconds = milliseconds }));

    private static CapabilitySchema Schema(string text) => new(Blake2b.Content(Encoding.UTF8.GetBytes(text)), text);
}
