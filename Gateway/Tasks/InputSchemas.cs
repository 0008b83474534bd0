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
/// for it (<see cref="GatewayOptions.SchemaCheckMilliseconds"/>) and its work limit
/// (<see cref="GatewayOptions.SchemaCheckMaxSteps"/>): schemas come from agents, and a backtracking regular expression
/// (<see cref="SchemaPatterns"/>), a fan-out that grows with the input's depth or a quadratic <c>uniqueItems</c>
/// (<see cref="SchemaCost"/>) could otherwise hold a thread for minutes. JsonSchema.Net cannot be interrupted, so the
/// work is bounded before it starts. Compiled schemas are cached by their hash; a schema that is not usable (a $ref cycle
/// that would overflow the stack, a reference it cannot resolve, see <see cref="SchemaGraph"/>) is one the input does not
/// satisfy, and is never evaluated: registration refuses it up front (<see cref="Vet"/>), and this check refuses it
/// again for agents registered before. Formats are annotations only, and references are never fetched.
/// </summary>
public sealed class InputSchemas(IOptions<GatewayOptions> options)
{
    /// <summary>
    /// Deepest nesting of subschema evaluations for one input. Measured here: JsonSchema.Net uses about 1.7 KB of stack
    /// per level, so this stays well inside even a 1 MiB stack.
    /// </summary>
    public const int MaxNesting = 256;

    // Distinct schemas are few (agents × capabilities); the bound only keeps a flood of registrations from growing the cache.
    private const int MaxCached = 1024;
    private const int MaxErrorsPerSchema = 16;

    private readonly ConcurrentDictionary<Hash32, Compiled> _cache = new();

    /// <summary>The time for checking one input against all the schemas of its capability.</summary>
    public TimeSpan Budget { get; } = TimeSpan.FromMilliseconds(options.Value.SchemaCheckMilliseconds);

    /// <summary>Most evaluation steps (<see cref="SchemaCost"/>) one input may cost against one schema.</summary>
    public long MaxSteps { get; } = options.Value.SchemaCheckMaxSteps;

    /// <summary>Most evaluation steps, over all its schemas, of an input checked on its request's own thread (<see cref="IsCheap"/>).</summary>
    public long InlineSteps { get; } = options.Value.SchemaCheckInlineSteps;

    /// <summary>
    /// Whether checking <paramref name="instance"/> against <paramref name="schemas"/> is small enough to run on the
    /// request's own thread rather than wait for the check pool: at most <see cref="InlineSteps"/> evaluation steps in
    /// all, and no regular expression to run (a pattern's time depends on the expression, not on the step count). Such a
    /// check costs about as much as reading the request; queueing it behind hostile ones would refuse ordinary load.
    /// </summary>
    public bool IsCheap(JsonNode? instance, ImmutableArray<CapabilitySchema> schemas)
    {
        var steps = 0L;
        foreach (var schema in schemas)
        {
            if (Compile(schema).Cost(instance, InlineSteps - steps) is not { } cost)
            {
                return false;
            }

            steps += cost;
        }

        return true;
    }

    /// <summary>
    /// The hashes of the schemas <paramref name="instance"/> (the parsed task input) satisfies, and why it fails the others. Schemas
    /// not decided when the time runs out count as unsatisfied (<see cref="SchemaCheck.TimedOut"/>), and so do schemas
    /// the input would cost too much work to evaluate (<see cref="SchemaCheck.TooCostly"/>); schemas that ran out of
    /// time or work before are tried last, so one agent's slow schema does not use up the time of the others. The input's
    /// shape must be within <see cref="InputShape"/>'s bounds (the caller checks; here it is checked again).
    /// </summary>
    public SchemaCheck Check(JsonNode? instance, ImmutableArray<CapabilitySchema> schemas)
    {
        if (InputShape.Problem(instance) is { } shape)
        {
            throw new ArgumentException(shape, nameof(instance));
        }

        var strings = SchemaPatterns.StringsOf(instance);
        var deadline = Stopwatch.GetTimestamp() + (long)(Budget.TotalSeconds * Stopwatch.Frequency);
        var satisfied = ImmutableArray.CreateBuilder<Hash32>();
        var errors = new List<SchemaError>();
        var (timedOut, tooCostly) = (false, false);
        foreach (var (schema, compiled) in schemas.Select(s => (s, Compile(s))).OrderBy(c => c.Item2.Slow))
        {
            var verdict = timedOut || Stopwatch.GetTimestamp() > deadline ? Verdict.OutOfTime : compiled.Evaluate(instance, strings, deadline, MaxSteps);
            timedOut |= verdict.TimedOut;
            tooCostly |= verdict.TooCostly;
            if (verdict.TimedOut)
            {
                errors.Add(new SchemaError(schema.Hash.ToString(), "", $"not decided: checking the input ran past {Budget.TotalMilliseconds} ms"));
            }
            else if (verdict.Failures.Count == 0)
            {
                satisfied.Add(schema.Hash);
            }
            else
            {
                errors.AddRange(verdict.Failures.Select(f => new SchemaError(schema.Hash.ToString(), f.Path, f.Message)));
            }
        }

        return new SchemaCheck(satisfied.ToImmutable(), errors, timedOut, tooCostly);
    }

    /// <summary>
    /// Why each input schema of <paramref name="manifest"/> that is JSON cannot be used (field
    /// <c>capabilities/i/inputSchema</c>): <see cref="SchemaGraph"/> finds its evaluation unbounded, JsonSchema.Net cannot
    /// compile it, a pattern is not an ECMAScript regular expression, or it has more than
    /// <see cref="SchemaPatterns.MaxPatterns"/> patterns.
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
        private readonly SchemaGraph? _graph;
        private readonly SchemaPatterns? _patterns;
        private readonly ConcurrentBag<Evaluator> _idle = [];
        private volatile bool _slow;

        private Compiled(string text, SchemaGraph? graph, SchemaPatterns? patterns, string? broken) =>
            (_text, _graph, _patterns, Broken) = (text, graph, patterns, broken);

        /// <summary>Why no input can satisfy the schema; null when it is usable.</summary>
        public string? Broken { get; }

        /// <summary>An input once ran out of time or work on this schema.</summary>
        public bool Slow => _slow;

        public static Compiled From(string text, TimeSpan matchTimeout)
        {
            // First, and without JsonSchema.Net: a schema that could recurse without end must never reach its evaluator.
            if (SchemaGraph.Read(text, out var problems) is not { } graph)
            {
                return new Compiled(text, null, null, $"the schema {string.Join("; ", problems)}");
            }

            try
            {
                var first = Evaluator.Of(text);
                if (!SchemaPatterns.TryRead(JsonNode.Parse(text), matchTimeout, out var patterns, out var error))
                {
                    return new Compiled(text, null, null, error);
                }

                var compiled = new Compiled(text, graph, patterns, null);
                compiled._idle.Add(first);
                return compiled;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new Compiled(text, null, null, $"the schema cannot be compiled: {e.Message}");
            }
        }

        /// <summary>
        /// The evaluation steps <paramref name="instance"/> costs this schema when they are at most
        /// <paramref name="maxSteps"/> and no pattern must run; otherwise null. A broken schema costs nothing: it is never evaluated.
        /// </summary>
        public long? Cost(JsonNode? instance, long maxSteps)
        {
            if (_graph is null || _patterns is null)
            {
                return 0;
            }

            var cost = SchemaCost.Of(_graph, instance, maxSteps, MaxNesting);
            return !cost.Exceeded && cost.PatternMatches == 0 && _patterns.IsEmpty ? cost.Steps : null;
        }

        /// <summary>Why <paramref name="instance"/> fails the schema (no failures: it satisfies it), or why it was not decided.</summary>
        public Verdict Evaluate(JsonNode? instance, IReadOnlyList<string> strings, long deadline, long maxSteps)
        {
            if (_graph is null || _patterns is null)
            {
                return Verdict.Failed([("", Broken!)]);
            }

            var cost = SchemaCost.Of(_graph, instance, maxSteps, MaxNesting);
            if (cost.Exceeded)
            {
                _slow = true;
                return Verdict.Failed([("", cost.Nesting > MaxNesting
                    ? $"not decided: the input would nest more than {MaxNesting} evaluations of this schema"
                    : $"not decided: the input would take more than {maxSteps} evaluation steps of this schema")], tooCostly: true);
            }

            if (!_patterns.RunBefore(strings, deadline, out var slowest)
                || (cost.PatternMatches > 0 && cost.PatternMatches > (deadline - Stopwatch.GetTimestamp()) / Math.Max(slowest, 1)))
            {
                _slow = true;
                return Verdict.OutOfTime;
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
                return Verdict.OutOfTime;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Verdict.Failed([("", $"the schema cannot be evaluated: {e.Message}")]);
            }

            if (_idle.Count < Environment.ProcessorCount)
            {
                _idle.Add(evaluator);
            }

            if (results.IsValid)
            {
                return Verdict.Failed([]);
            }

            var failures = (results.Details ?? [])
                .Where(d => d.HasErrors)
                .SelectMany(d => d.Errors!.Select(error => (d.InstanceLocation.ToString(), $"{error.Key}: {error.Value}")))
                .Take(MaxErrorsPerSchema)
                .ToList();
            return Verdict.Failed(failures.Count == 0 ? [("", "the input does not satisfy the schema")] : failures);
        }
    }

    /// <summary>One schema's outcome: its failures (none: satisfied), or not decided for lack of time or work.</summary>
    private sealed record Verdict(IReadOnlyList<(string Path, string Message)> Failures, bool TimedOut, bool TooCostly)
    {
        public static Verdict OutOfTime { get; } = new([], TimedOut: true, TooCostly: false);

        public static Verdict Failed(IReadOnlyList<(string Path, string Message)> failures, bool tooCostly = false) => new(failures, false, tooCostly);
    }

    private sealed record Evaluator(JsonSchema Schema, EvaluationOptions Options)
    {
        public static Evaluator Of(string text) => new(JsonSchema.FromText(text), new EvaluationOptions { OutputFormat = OutputFormat.List });
    }
}

/// <summary>
/// The schemas (hashes) an input satisfies, and the errors against the others; <paramref name="TimedOut"/> when the
/// check's time ran out before every schema was decided, <paramref name="TooCostly"/> when a schema was not evaluated
/// because the input would have cost it more work than the node allows.
/// </summary>
public sealed record SchemaCheck(ImmutableArray<Hash32> Satisfied, IReadOnlyList<SchemaError> Errors, bool TimedOut, bool TooCostly);
