using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ainur.Gateway.Errors;
using Ainur.Gateway.Hosting;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Hashing;
using Json.Schema;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// Checks a task input against a capability's input schemas (JSON Schema, with JsonSchema.Net) within the node's time
/// for it (<see cref="GatewayOptions.SchemaCheckMilliseconds"/>): schemas come from agents, and a backtracking regular
/// expression could otherwise hold a thread for minutes on a crafted input (<see cref="SchemaPatterns"/>). Compiled
/// schemas are cached by their hash; a schema that cannot be compiled or evaluated (a reference it cannot resolve, say)
/// is one the input does not satisfy, and registration refuses it up front (<see cref="Vet"/>). Formats are annotations
/// only, and references are never fetched from the network.
/// </summary>
public sealed class InputSchemas(IOptions<GatewayOptions> options)
{
    // Distinct schemas are few (agents × capabilities); the bound only keeps a flood of registrations from growing the cache.
    private const int MaxCached = 1024;
    private const int MaxErrorsPerSchema = 16;

    private readonly ConcurrentDictionary<Hash32, Compiled> _cache = new();

    /// <summary>The time for checking one input against all the schemas of its capability.</summary>
    public TimeSpan Budget { get; } = TimeSpan.FromMilliseconds(options.Value.SchemaCheckMilliseconds);

    /// <summary>
    /// The hashes of the schemas <paramref name="input"/> (JSON text) satisfies, and why it fails the others. Schemas
    /// not decided when the time runs out count as unsatisfied (<see cref="SchemaCheck.TimedOut"/>); schemas that ran out
    /// of time before are tried last, so one agent's slow schema does not use up the time of the others.
    /// </summary>
    public SchemaCheck Check(string input, ImmutableArray<CapabilitySchema> schemas)
    {
        ArgumentNullException.ThrowIfNull(input);
        var instance = JsonNode.Parse(input);
        var strings = SchemaPatterns.StringsOf(instance);
        var deadline = Stopwatch.GetTimestamp() + (long)(Budget.TotalSeconds * Stopwatch.Frequency);
        var satisfied = ImmutableArray.CreateBuilder<Hash32>();
        var errors = new List<SchemaError>();
        var timedOut = false;
        foreach (var (schema, compiled) in schemas.Select(s => (s, Compile(s))).OrderBy(c => c.Item2.Slow))
        {
            var failures = timedOut || Stopwatch.GetTimestamp() > deadline ? null : compiled.Evaluate(instance, strings, deadline);
            if (failures is null)
            {
                timedOut = true;
                errors.Add(new SchemaError(schema.Hash.ToString(), "", $"not decided: checking the input ran past {Budget.TotalMilliseconds} ms"));
            }
            else if (failures.Count == 0)
            {
                satisfied.Add(schema.Hash);
            }
            else
            {
                errors.AddRange(failures.Select(f => new SchemaError(schema.Hash.ToString(), f.Path, f.Message)));
            }
        }

        return new SchemaCheck(satisfied.ToImmutable(), errors, timedOut);
    }

    /// <summary>
    /// Why each input schema of <paramref name="manifest"/> that is JSON cannot be used (field
    /// <c>capabilities/i/inputSchema</c>): JsonSchema.Net cannot compile it, or a pattern is not an ECMAScript regular
    /// expression, or it has more than <see cref="SchemaPatterns.MaxPatterns"/> patterns.
    /// </summary>
    public IEnumerable<ManifestError> Vet(AgentManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        for (var i = 0; i < manifest.Capabilities.Length; i++)
        {
            var text = manifest.Capabilities[i].InputSchema;
            if (Compile(new CapabilitySchema(Blake2b.Content(Encoding.UTF8.GetBytes(text)), text)).Broken is { } why)
            {
                yield return new ManifestError($"capabilities/{i}/inputSchema", why);
            }
        }
    }

    private Compiled Compile(CapabilitySchema schema)
    {
        if (_cache.TryGetValue(schema.Hash, out var cached))
        {
            return cached;
        }

        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd(schema.Hash, static (_, state) => Compiled.From(state.Text, state.Budget), (Text: schema.Schema, Budget));
    }

    private sealed class Compiled
    {
        private readonly string _text;
        private readonly SchemaPatterns? _patterns;
        private readonly ConcurrentBag<Evaluator> _idle = [];
        private volatile bool _slow;

        private Compiled(string text, SchemaPatterns? patterns, string? broken) => (_text, _patterns, Broken) = (text, patterns, broken);

        /// <summary>Why no input can satisfy the schema; null when it compiled.</summary>
        public string? Broken { get; }

        /// <summary>An input once ran out of time on this schema.</summary>
        public bool Slow => _slow;

        public static Compiled From(string text, TimeSpan matchTimeout)
        {
            try
            {
                var first = Evaluator.Of(text);
                if (!SchemaPatterns.TryRead(JsonNode.Parse(text), matchTimeout, out var patterns, out var error))
                {
                    return new Compiled(text, null, error);
                }

                var compiled = new Compiled(text, patterns, null);
                compiled._idle.Add(first);
                return compiled;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new Compiled(text, null, $"the schema cannot be compiled: {e.Message}");
            }
        }

        /// <summary>Why <paramref name="instance"/> fails the schema (empty: it satisfies it), or null when <paramref name="deadline"/> came first.</summary>
        public List<(string Path, string Message)>? Evaluate(JsonNode? instance, IReadOnlyList<string> strings, long deadline)
        {
            if (_patterns is null)
            {
                return [("", Broken!)];
            }

            if (!_patterns.RunBefore(strings, deadline))
            {
                _slow = true;
                return null;
            }

            // JsonSchema.Net 7.4 caches evaluation state in the schema and its options: concurrent evaluations of one
            // instance can fail at random (json-everything issue 929), so each evaluation rents an instance of its own
            // rather than waiting on a lock; one that threw is dropped, its state unknown.
            var evaluator = _idle.TryTake(out var idle) ? idle : Evaluator.Of(_text);
            EvaluationResults results;
            try
            {
                results = evaluator.Schema.Evaluate(instance, evaluator.Options);
            }
            catch (RegexMatchTimeoutException)
            {
                _slow = true;
                return null;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return [("", $"the schema cannot be evaluated: {e.Message}")];
            }

            if (_idle.Count < Environment.ProcessorCount)
            {
                _idle.Add(evaluator);
            }

            if (results.IsValid)
            {
                return [];
            }

            var failures = (results.Details ?? [])
                .Where(d => d.HasErrors)
                .SelectMany(d => d.Errors!.Select(error => (d.InstanceLocation.ToString(), $"{error.Key}: {error.Value}")))
                .Take(MaxErrorsPerSchema)
                .ToList();
            return failures.Count == 0 ? [("", "the input does not satisfy the schema")] : failures;
        }
    }

    private sealed record Evaluator(JsonSchema Schema, EvaluationOptions Options)
    {
        public static Evaluator Of(string text) => new(JsonSchema.FromText(text), new EvaluationOptions { OutputFormat = OutputFormat.List });
    }
}

/// <summary>
/// The schemas (hashes) an input satisfies, and the errors against the others; <paramref name="TimedOut"/> when the
/// check's time ran out before every schema was decided.
/// </summary>
public sealed record SchemaCheck(ImmutableArray<Hash32> Satisfied, IReadOnlyList<SchemaError> Errors, bool TimedOut);
