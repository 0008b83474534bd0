using System.Text.Json.Nodes;
using Ainur.Protocol.Agents;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// An upper bound of the work JsonSchema.Net would do to evaluate one input against one schema, counted before it starts:
/// JsonSchema.Net builds the whole tree of (subschema, input location) evaluations before it evaluates any keyword, and
/// nothing in that build can be interrupted, so the only way to keep an evaluation within its budget is not to start one
/// that would exceed it. The count walks the <see cref="SchemaGraph"/> over the input as the evaluator would (applying a
/// subschema where JSON Schema might, e.g. <c>patternProperties</c> to every member), one step per pair, plus the pairs
/// <c>uniqueItems</c> compares and the <c>enum</c>/<c>const</c> values an input is compared with. It stops as soon as
/// either limit is passed, so the count itself costs at most the limit.
/// </summary>
internal static class SchemaCost
{
    /// <summary>Item pairs <c>uniqueItems</c> compares per step: a comparison is far cheaper than a subschema evaluation.</summary>
    private const int PairsPerStep = 8;

    /// <summary><c>enum</c>/<c>const</c> nodes compared per step.</summary>
    private const int ValueNodesPerStep = 32;

    // A member name under propertyNames: only its kind (a string) matters to the count.
    private static readonly JsonNode NameString = JsonValue.Create("");

    /// <summary>
    /// The steps and pattern matches evaluating <paramref name="instance"/> against <paramref name="graph"/> takes, and
    /// the deepest nesting of evaluations; <see cref="Estimate.Exceeded"/> when the count passed
    /// <paramref name="maxSteps"/> or <paramref name="maxNesting"/> (and stopped there).
    /// </summary>
    public static Estimate Of(SchemaGraph graph, JsonNode? instance, long maxSteps, int maxNesting)
    {
        var pending = new Stack<(int Node, JsonNode? Instance, int Nesting)>();
        pending.Push((0, instance, 1));
        long steps = 0, matches = 0;
        var deepest = 0;
        while (pending.TryPop(out var next))
        {
            var (index, at, nesting) = next;
            var node = graph.Nodes[index];
            deepest = Math.Max(deepest, nesting);
            steps += 1 + node.ValueNodes / ValueNodesPerStep;
            if (steps > maxSteps || nesting > maxNesting)
            {
                return new Estimate(steps, matches, deepest, Exceeded: true);
            }

            foreach (var here in node.Here)
            {
                pending.Push((here, at, nesting + 1));
            }

            switch (at)
            {
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        var applied = i < node.PrefixItems.Length ? [node.PrefixItems[i]] : node.RestItems;
                        foreach (var item in applied.Concat(node.EveryItem))
                        {
                            pending.Push((item, array[i], nesting + 1));
                        }
                    }

                    if (node.UniqueItems)
                    {
                        steps += (long)array.Count * (array.Count - 1) / 2 / PairsPerStep;
                    }

                    break;
                case JsonObject obj:
                    foreach (var (name, value) in obj)
                    {
                        var applied = node.Properties.TryGetValue(name, out var property) ? [property] : node.OtherMembers;
                        foreach (var member in applied.Concat(node.EveryMember))
                        {
                            pending.Push((member, value, nesting + 1));
                        }

                        foreach (var names in node.Names)
                        {
                            pending.Push((names, NameString, nesting + 1));
                        }
                    }

                    matches += (long)obj.Count * node.MemberPatterns;
                    break;
                case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String:
                    matches += node.Patterns;
                    break;
            }
        }

        return new Estimate(steps, matches, deepest, steps > maxSteps);
    }

    /// <summary>What <see cref="Of"/> counted.</summary>
    public readonly record struct Estimate(long Steps, long PatternMatches, int Nesting, bool Exceeded);
}
