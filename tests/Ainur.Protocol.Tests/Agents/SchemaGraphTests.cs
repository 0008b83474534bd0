using Ainur.Protocol.Agents;

namespace Ainur.Protocol.Tests.Agents;

/// <summary>
/// Which schemas the node will evaluate: every reference local and resolvable, no reference cycle at one input location,
/// bounded fan-out and nesting at one location; recursion that descends into the input is fine.
/// </summary>
public sealed class SchemaGraphTests
{
    public static TheoryData<string, string, string> Refused => new()
    {
        { "itself", """{"$ref":"#"}""", "cycle" },
        { "itself beside other keywords", """{"type":"object","$ref":"#"}""", "cycle" },
        { "two definitions in a loop", """{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}""", "cycle" },
        { "a loop through allOf", """{"allOf":[{"$ref":"#"}]}""", "cycle" },
        { "a loop through anyOf and oneOf", """{"anyOf":[{"type":"string"},{"oneOf":[{"$ref":"#"}]}]}""", "cycle" },
        { "a loop through not", """{"not":{"$ref":"#"}}""", "cycle" },
        { "a loop through if/then/else", """{"if":{"type":"string"},"then":true,"else":{"$ref":"#"}}""", "cycle" },
        { "a loop through dependentSchemas", """{"dependentSchemas":{"a":{"$ref":"#"}}}""", "cycle" },
        { "a loop through draft-07 dependencies", """{"dependencies":{"a":{"$ref":"#"}}}""", "cycle" },
        { "a loop through a definition never used", """{"$defs":{"a":{"allOf":[{"$ref":"#/$defs/a"}]}}}""", "cycle" },
        { "$dynamicRef to itself", """{"$dynamicAnchor":"node","$dynamicRef":"#node"}""", "$dynamicRef" },
        { "$dynamicRef below", """{"$dynamicAnchor":"node","items":{"$dynamicRef":"#node"}}""", "$dynamicRef" },
        { "$recursiveRef", """{"$recursiveAnchor":true,"$recursiveRef":"#"}""", "$recursiveRef" },
        { "a remote reference", """{"$ref":"https://schemas.example/x.json"}""", "local" },
        { "a relative reference", """{"$ref":"other.json#/a"}""", "local" },
        { "an anchor reference", """{"$defs":{"a":{"$anchor":"x"}},"$ref":"#x"}""", "local" },
        { "a reference to nothing", """{"$ref":"#/$defs/missing"}""", "names no subschema" },
        { "a reference into data", """{"enum":[{"type":"string"}],"$ref":"#/enum/0"}""", "names no subschema" },
        { "a reference into an unknown keyword", """{"x-stuff":{"type":"string"},"$ref":"#/x-stuff"}""", "names no subschema" },
        { "a reference that is no string", """{"$ref":5}""", "local" },
        { "a bad pointer escape", """{"$ref":"#/a~2"}""", "JSON pointer" },
        { "$id below the root", """{"properties":{"a":{"$id":"https://x.example/a","$ref":"#"}}}""", "$id" },
        { "an unknown dialect", """{"$schema":"https://schemas.example/mine"}""", "$schema" },
        { "$schema below the root", """{"items":{"$schema":"https://json-schema.org/draft/2020-12/schema"}}""", "$schema" },
        { "fan-out doubling through shared definitions", FanOut(12), "subschemas at one input location" },
        { "a long chain of references", Chain(SchemaGraph.MaxNestingPerLocation + 1), "nests" },
        { "too many subschemas", $"{{\"anyOf\":[{string.Join(",", Enumerable.Repeat("{}", SchemaGraph.MaxSubschemas))}]}}", "subschemas" },
    };

    public static TheoryData<string, string> Usable => new()
    {
        { "a boolean", "true" },
        { "an empty object", "{}" },
        { "a tree whose children are trees", """{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}}}""" },
        { "a binary tree", """{"type":"object","properties":{"value":{},"left":{"$ref":"#"},"right":{"$ref":"#"}}}""" },
        { "any JSON value, recursively", """{"anyOf":[{"type":["string","number","boolean","null"]},{"type":"array","items":{"$ref":"#"}},{"type":"object","additionalProperties":{"$ref":"#"}}]}""" },
        { "recursion through a definition", """{"$defs":{"node":{"type":"array","items":{"$ref":"#/$defs/node"}}},"$ref":"#/$defs/node"}""" },
        { "recursion through property names", """{"propertyNames":{"$ref":"#"},"maxLength":3}""" },
        { "a shared definition used twice", """{"$defs":{"s":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/s"},"b":{"$ref":"#/$defs/s"}}}""" },
        { "draft-07 definitions and items arrays", """{"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"n":{"type":"number"}},"items":[{"$ref":"#/definitions/n"}],"additionalItems":false}""" },
        { "a root $id", """{"$id":"https://schemas.example/person.json","$defs":{"s":{"type":"string"}},"properties":{"name":{"$ref":"#/$defs/s"}}}""" },
        { "escaped and percent-encoded pointers", """{"$defs":{"a/b":{"type":"string"},"c d":{"type":"number"},"e~f":{}},"anyOf":[{"$ref":"#/$defs/a~1b"},{"$ref":"#/$defs/c%20d"},{"$ref":"#/$defs/e~0f"}]}""" },
        { "a reference to a property's schema", """{"properties":{"a":{"type":"string"},"b":{"$ref":"#/properties/a"}}}""" },
        { "a chain of references at the limit", Chain(SchemaGraph.MaxNestingPerLocation - 2) },
        { "$ref as a property name", """{"properties":{"$ref":{"type":"string"}}}""" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Read_UnboundedOrNonLocalSchema_IsRefusedWithTheReason(string why, string schema, string reason)
    {
        var graph = SchemaGraph.Read(schema, out var problems);

        Assert.Null(graph);
        Assert.Contains(problems, p => p.Contains(reason, StringComparison.Ordinal));
        Assert.False(problems.IsEmpty, why);
    }

    [Theory]
    [MemberData(nameof(Usable))]
    public void Read_BoundedSchema_IsUsable(string why, string schema)
    {
        var graph = SchemaGraph.Read(schema, out var problems);

        Assert.True(graph is not null, $"{why}: {string.Join("; ", problems)}");
        Assert.Empty(problems);
    }

    [Fact]
    public void Read_ReferenceTargets_AreEvaluatedAtTheSameLocation()
    {
        var graph = SchemaGraph.Read("""{"$defs":{"s":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/s"}},"items":{"$ref":"#"}}""", out _)!;

        var root = graph.Nodes[0];
        var property = graph.Nodes[root.Properties["a"]];
        Assert.Equal("/$defs/s", graph.Nodes[Assert.Single(property.Here)].Location);
        Assert.Equal(0, Assert.Single(graph.Nodes[Assert.Single(root.RestItems)].Here));
    }

    // Each definition refers twice to the next: 2^depth evaluations at one location, in a few hundred bytes.
    private static string FanOut(int depth) =>
        $"{{\"$defs\":{{{string.Join(",", Enumerable.Range(0, depth).Select(i => $"\"d{i}\":{{\"allOf\":[{{\"$ref\":\"#/$defs/d{i + 1}\"}},{{\"$ref\":\"#/$defs/d{i + 1}\"}}]}}"))},\"d{depth}\":{{}}}},\"$ref\":\"#/$defs/d0\"}}";

    private static string Chain(int length) =>
        $"{{\"$defs\":{{{string.Join(",", Enumerable.Range(0, length).Select(i => $"\"d{i}\":{{\"$ref\":\"#/$defs/d{i + 1}\"}}"))},\"d{length}\":{{}}}},\"$ref\":\"#/$defs/d0\"}}";
}
