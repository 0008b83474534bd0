using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ainur.Protocol.Agents;

/// <summary>
/// The subschemas of one JSON Schema document and which of them evaluating each one reaches: at the same input location
/// (<c>allOf</c>, <c>not</c>, <c>if</c>, a <c>$ref</c>'s target, ...) or one level down (<c>items</c>, <c>properties</c>,
/// ...). Schemas come from agents and are evaluated on the node, so a schema is usable only when this graph shows its
/// evaluation to be bounded: every reference local and resolvable, no reference cycle that stays at one input location
/// (evaluating it would never end and overflow the stack, which no .NET process survives), and bounded fan-out and
/// nesting at one location. Descending cycles (a tree's children) are allowed: the input's depth bounds them.
/// </summary>
public sealed class SchemaGraph
{
    /// <summary>Most subschemas (objects and booleans in schema positions) one schema may hold.</summary>
    public const int MaxSubschemas = 1024;

    /// <summary>Most subschema evaluations one input location may cost (shared <c>$ref</c> targets count each time).</summary>
    public const int MaxEvaluationsPerLocation = 2048;

    /// <summary>Deepest chain of subschema evaluations at one input location; each costs call stack in the evaluator.</summary>
    public const int MaxNestingPerLocation = 64;

    private static readonly ImmutableHashSet<string> KnownDialects = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "https://json-schema.org/draft/2020-12/schema",
        "https://json-schema.org/draft/2019-09/schema",
        "http://json-schema.org/draft-07/schema#",
        "http://json-schema.org/draft-07/schema",
        "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-06/schema");

    private SchemaGraph(ImmutableArray<SchemaNode> nodes) => Nodes = nodes;

    /// <summary>The subschemas; the root is first.</summary>
    public ImmutableArray<SchemaNode> Nodes { get; }

    /// <summary>The graph of <paramref name="schema"/> (JSON text), or every reason it is not usable.</summary>
    public static SchemaGraph? Read(string schema, out ImmutableArray<string> problems)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(schema);
        }
        catch (JsonException e)
        {
            problems = [$"is not valid JSON: {e.Message}"];
            return null;
        }

        var builder = new Builder();
        builder.Add(root, "", isRoot: true);
        if (builder.Problems.Count == 0)
        {
            builder.ResolveReferences();
        }

        if (builder.Problems.Count == 0)
        {
            builder.CheckLocations();
        }

        problems = [.. builder.Problems.Take(8)];
        return problems.IsEmpty ? new SchemaGraph([.. builder.Nodes.Select(n => n.Build())]) : null;
    }

    /// <summary>A JSON Pointer token with '~' and '/' escaped (RFC 6901).</summary>
    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private sealed class Builder
    {
        public List<SchemaNode.Draft> Nodes { get; } = [];

        public List<string> Problems { get; } = [];

        private readonly Dictionary<string, int> _byPointer = new(StringComparer.Ordinal);

        /// <summary>Adds the subschema at <paramref name="pointer"/> and those inside it; its index, or -1 when it is not a schema.</summary>
        public int Add(JsonNode? node, string pointer, bool isRoot = false)
        {
            if (Nodes.Count >= MaxSubschemas)
            {
                if (Nodes.Count == MaxSubschemas)
                {
                    Problems.Add($"has more than {MaxSubschemas} subschemas");
                    Nodes.Add(new SchemaNode.Draft(pointer));
                }

                return -1;
            }

            var draft = new SchemaNode.Draft(pointer);
            if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                draft.Constant = value.GetValue<bool>();
            }
            else if (node is not JsonObject)
            {
                return -1;
            }

            var index = Nodes.Count;
            Nodes.Add(draft);
            _byPointer[pointer] = index;
            if (node is JsonObject schema)
            {
                Keywords(schema, draft, pointer, isRoot);
            }

            return index;
        }

        private void Keywords(JsonObject schema, SchemaNode.Draft draft, string pointer, bool isRoot)
        {
            foreach (var (keyword, value) in schema)
            {
                var at = $"{pointer}/{Escape(keyword)}";
                switch (keyword)
                {
                    case "$ref":
                        draft.Reference = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
                        break;
                    case "$dynamicRef" or "$recursiveRef":
                        Problems.Add($"uses {keyword} at '{at}': only local JSON-pointer $refs are allowed");
                        break;
                    case "$id" when !isRoot:
                        Problems.Add($"has $id at '{at}': only the root may have one (it would change what $refs below it mean)");
                        break;
                    case "$schema" when !isRoot || value is not JsonValue dialect || dialect.GetValueKind() != JsonValueKind.String || !KnownDialects.Contains(dialect.GetValue<string>()):
                        Problems.Add($"has $schema at '{at}': only the root may name a dialect, and only draft-06, draft-07, 2019-09 or 2020-12");
                        break;
                    case "allOf" or "anyOf" or "oneOf":
                        draft.Here.AddRange(Each(value, at));
                        break;
                    case "not" or "if" or "then" or "else" or "contentSchema":
                        AddTo(draft.Here, value, at);
                        break;
                    case "dependentSchemas" or "dependencies":
                        draft.Here.AddRange(Values(value, at).Select(p => p.Index));
                        break;
                    case "$defs" or "definitions":
                        Values(value, at);
                        break;
                    case "prefixItems":
                        draft.PrefixItems.AddRange(Each(value, at));
                        break;
                    case "items" when value is JsonArray:
                        draft.PrefixItems.AddRange(Each(value, at));
                        break;
                    case "items" or "additionalItems":
                        AddTo(draft.RestItems, value, at);
                        break;
                    case "contains" or "unevaluatedItems":
                        AddTo(draft.EveryItem, value, at);
                        break;
                    case "properties":
                        foreach (var (name, index) in Values(value, at))
                        {
                            draft.Properties[name] = index;
                        }

                        break;
                    case "patternProperties":
                        var patterned = Values(value, at);
                        draft.EveryMember.AddRange(patterned.Select(p => p.Index));
                        draft.MemberPatterns += patterned.Count;
                        break;
                    case "additionalProperties":
                        AddTo(draft.OtherMembers, value, at);
                        break;
                    case "unevaluatedProperties":
                        AddTo(draft.EveryMember, value, at);
                        break;
                    case "propertyNames":
                        AddTo(draft.Names, value, at);
                        break;
                    case "uniqueItems":
                        draft.UniqueItems = value is JsonValue unique && unique.GetValueKind() == JsonValueKind.True;
                        break;
                    case "enum" or "const":
                        draft.ValueNodes += CountNodes(value);
                        break;
                    case "pattern":
                        draft.Patterns++;
                        break;
                }
            }
        }

        private void AddTo(List<int> list, JsonNode? value, string at)
        {
            var index = Add(value, at);
            if (index >= 0)
            {
                list.Add(index);
            }
        }

        private List<int> Each(JsonNode? value, string at) =>
            value is JsonArray array ? [.. array.Select((item, i) => Add(item, $"{at}/{i}")).Where(i => i >= 0)] : [];

        private List<(string Name, int Index)> Values(JsonNode? value, string at) =>
            value is JsonObject map ? [.. map.Select(p => (Name: p.Key, Index: Add(p.Value, $"{at}/{Escape(p.Key)}"))).Where(p => p.Index >= 0)] : [];

        /// <summary>Every <c>$ref</c> must be <c>#</c> or <c>#/json/pointer</c> naming a subschema of this document.</summary>
        public void ResolveReferences()
        {
            foreach (var draft in Nodes.Where(n => n.Reference is not null))
            {
                var reference = draft.Reference!;
                var at = $"{draft.Location}/$ref";
                if (!reference.StartsWith('#') || (reference.Length > 1 && reference[1] != '/'))
                {
                    Problems.Add($"has $ref '{reference}' at '{at}': only local JSON-pointer references ('#' or '#/...') are allowed");
                    continue;
                }

                string pointer;
                try
                {
                    pointer = Canonical(Uri.UnescapeDataString(reference[1..]));
                }
                catch (FormatException)
                {
                    Problems.Add($"has $ref '{reference}' at '{at}': not a JSON pointer");
                    continue;
                }

                if (_byPointer.TryGetValue(pointer, out var target))
                {
                    draft.Here.Add(target);
                }
                else
                {
                    Problems.Add($"has $ref '{reference}' at '{at}' that names no subschema of this schema");
                }
            }
        }

        // Re-escapes every token, so '#/a~1b' and '#/a%7E1b' both name the key 'a/b'.
        private static string Canonical(string pointer) =>
            string.Concat(pointer.Split('/').Skip(1).Select(token =>
            {
                for (var i = 0; i < token.Length; i++)
                {
                    if (token[i] == '~' && (i + 1 == token.Length || token[i + 1] is not ('0' or '1')))
                    {
                        throw new FormatException("bad escape");
                    }
                }

                return "/" + Escape(token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }));

        /// <summary>
        /// Refuses cycles among same-location edges, and fan-out or nesting at one location past the limits. Walks with
        /// memory per subschema, depth first; the recursion is at most <see cref="MaxSubschemas"/> deep.
        /// </summary>
        public void CheckLocations()
        {
            var state = new byte[Nodes.Count];
            var evaluations = new long[Nodes.Count];
            var nesting = new int[Nodes.Count];
            for (var i = 0; i < Nodes.Count && Problems.Count == 0; i++)
            {
                Visit(i, state, evaluations, nesting);
            }

            if (Problems.Count == 0 && evaluations.Max() > MaxEvaluationsPerLocation)
            {
                Problems.Add($"evaluates up to {evaluations.Max()} subschemas at one input location; at most {MaxEvaluationsPerLocation} are allowed (shared $ref targets count each time they are reached)");
            }
            else if (Problems.Count == 0 && nesting.Max() > MaxNestingPerLocation)
            {
                Problems.Add($"nests {nesting.Max()} subschema evaluations ($refs and applicators) at one input location; at most {MaxNestingPerLocation} are allowed");
            }
        }

        private void Visit(int index, byte[] state, long[] evaluations, int[] nesting)
        {
            if (state[index] == 2 || Problems.Count > 0)
            {
                return;
            }

            if (state[index] == 1)
            {
                Problems.Add($"has a $ref cycle through '{Nodes[index].Location}' that stays at one input location: evaluating it would never end");
                return;
            }

            state[index] = 1;
            long count = 1;
            var deepest = 0;
            foreach (var next in Nodes[index].Here)
            {
                Visit(next, state, evaluations, nesting);
                count = Math.Min(count + evaluations[next], long.MaxValue / 2);
                deepest = Math.Max(deepest, nesting[next]);
            }

            (evaluations[index], nesting[index], state[index]) = (count, deepest + 1, 2);
        }

        private static int CountNodes(JsonNode? node) => node switch
        {
            JsonObject obj => 1 + obj.Sum(p => CountNodes(p.Value)),
            JsonArray array => 1 + array.Sum(CountNodes),
            _ => 1,
        };
    }
}
