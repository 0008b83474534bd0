using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// The regular expressions of one JSON Schema (every <c>pattern</c> string and <c>patternProperties</c> name, wherever
/// it occurs), and a run of all of them over an input's strings against a deadline. JsonSchema.Net gives each match its
/// own fixed 5 s timeout and cannot be stopped between matches, so a backtracking pattern such as <c>^(a+)+$</c> over
/// many strings could hold a thread for minutes. Running every pattern over every string first, here, under the check's
/// deadline bounds what the evaluation that follows can spend: it matches no pair that was not just matched in time.
/// </summary>
internal sealed class SchemaPatterns
{
    /// <summary>Most distinct patterns one input schema may hold: JsonSchema.Net compiles each again once its cache is full.</summary>
    public const int MaxPatterns = 64;

    private readonly ImmutableArray<Regex> _regexes;

    private SchemaPatterns(ImmutableArray<Regex> regexes) => _regexes = regexes;

    /// <summary>The schema has no pattern: checking it runs no regular expression.</summary>
    public bool IsEmpty => _regexes.IsEmpty;

    /// <summary>
    /// The patterns of <paramref name="schema"/>, each compiled as JsonSchema.Net reads it (ECMAScript syntax, its
    /// <c>\p{Letter}</c> and <c>\p{digit}</c> aliases) and stopped after <paramref name="matchTimeout"/>; or why not.
    /// </summary>
    public static bool TryRead(JsonNode? schema, TimeSpan matchTimeout, [NotNullWhen(true)] out SchemaPatterns? patterns, [NotNullWhen(false)] out string? error)
    {
        var texts = new HashSet<string>(StringComparer.Ordinal);
        Collect(schema, texts);
        patterns = null;
        if (texts.Count > MaxPatterns)
        {
            error = $"the schema has {texts.Count} distinct patterns; at most {MaxPatterns} are allowed";
            return false;
        }

        var regexes = ImmutableArray.CreateBuilder<Regex>(texts.Count);
        foreach (var text in texts)
        {
            try
            {
                regexes.Add(new Regex(text.Replace("{Letter}", "{L}", StringComparison.Ordinal).Replace("{digit}", "{Nd}", StringComparison.Ordinal), RegexOptions.ECMAScript, matchTimeout));
            }
            catch (ArgumentException e)
            {
                error = $"the pattern {JsonSerializer.Serialize(text)} is not a regular expression: {e.Message}";
                return false;
            }
        }

        patterns = new SchemaPatterns(regexes.MoveToImmutable());
        error = null;
        return true;
    }

    /// <summary>Every string in <paramref name="instance"/>: values and property names.</summary>
    public static List<string> StringsOf(JsonNode? instance)
    {
        var strings = new List<string>();
        foreach (var (name, node) in Nodes(instance))
        {
            if (name is not null)
            {
                strings.Add(name);
            }

            if (StringOf(node) is { } text)
            {
                strings.Add(text);
            }
        }

        return strings;
    }

    /// <summary>
    /// Matches every pattern against every string; false when the clock passed <paramref name="deadline"/> (a
    /// <see cref="Stopwatch"/> timestamp) or a match timed out. One match may overrun the deadline by its own timeout.
    /// <paramref name="slowest"/> is the longest one match took, in timestamp ticks: the evaluation that follows may
    /// repeat a match, and its time is bounded by that many.
    /// </summary>
    public bool RunBefore(IReadOnlyList<string> strings, long deadline, out long slowest)
    {
        slowest = 0;
        foreach (var regex in _regexes)
        {
            foreach (var text in strings)
            {
                var started = Stopwatch.GetTimestamp();
                if (started > deadline)
                {
                    return false;
                }

                try
                {
                    regex.IsMatch(text);
                }
                catch (RegexMatchTimeoutException)
                {
                    return false;
                }

                slowest = Math.Max(slowest, Stopwatch.GetTimestamp() - started);
            }
        }

        return true;
    }

    // A string under "pattern" and a name under "patternProperties", anywhere: a "pattern" that is data (inside "const",
    // say) is run too, which costs a little time and never lets a real one through unrun.
    private static void Collect(JsonNode? schema, HashSet<string> texts)
    {
        foreach (var (name, node) in Nodes(schema))
        {
            if (name == "pattern" && StringOf(node) is { } pattern)
            {
                texts.Add(pattern);
            }
            else if (name == "patternProperties" && node is JsonObject patterned)
            {
                texts.UnionWith(patterned.Select(p => p.Key));
            }
        }
    }

    // Every node of the tree with its name in the object that holds it (null at the root and in arrays); a stack, not
    // recursion, so depth costs no call stack.
    private static IEnumerable<(string? Name, JsonNode? Node)> Nodes(JsonNode? root)
    {
        var pending = new Stack<(string?, JsonNode?)>();
        pending.Push((null, root));
        while (pending.TryPop(out var entry))
        {
            yield return entry;
            switch (entry.Item2)
            {
                case JsonObject obj:
                    foreach (var (name, value) in obj)
                    {
                        pending.Push((name, value));
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        pending.Push((null, item));
                    }

                    break;
            }
        }
    }

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
