using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Ainur.Gateway.Errors;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Json.Schema;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// Checks a task input against a capability's input schemas (JSON Schema, with JsonSchema.Net). Compiled schemas are
/// cached by their hash; a schema that cannot be compiled or evaluated (a reference it cannot resolve, say) is one the
/// input does not satisfy. Formats are annotations only, and references are never fetched from the network.
/// </summary>
public sealed class InputSchemas
{
    // Distinct schemas are few (agents × capabilities); the bound only keeps a flood of registrations from growing the cache.
    private const int MaxCached = 1024;
    private const int MaxErrorsPerSchema = 16;

    private readonly ConcurrentDictionary<Hash32, Compiled> _cache = new();

    /// <summary>The hashes of the schemas <paramref name="input"/> (JSON text) satisfies, and why it fails the others.</summary>
    public SchemaCheck Check(string input, ImmutableArray<CapabilitySchema> schemas)
    {
        ArgumentNullException.ThrowIfNull(input);
        var instance = JsonNode.Parse(input);
        var satisfied = ImmutableArray.CreateBuilder<Hash32>();
        var errors = new List<SchemaError>();
        foreach (var schema in schemas)
        {
            var failures = Compile(schema).Evaluate(instance);
            if (failures.Count == 0)
            {
                satisfied.Add(schema.Hash);
            }
            else
            {
                errors.AddRange(failures.Select(f => new SchemaError(schema.Hash.ToString(), f.Path, f.Message)));
            }
        }

        return new SchemaCheck(satisfied.ToImmutable(), errors);
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

        return _cache.GetOrAdd(schema.Hash, static (_, text) => Compiled.From(text), schema.Schema);
    }

    private sealed class Compiled
    {
        private readonly Lock _gate = new();
        private readonly JsonSchema? _schema;
        private readonly EvaluationOptions _options = new() { OutputFormat = OutputFormat.List };
        private readonly string? _broken;

        private Compiled(JsonSchema? schema, string? broken) => (_schema, _broken) = (schema, broken);

        public static Compiled From(string text)
        {
            try
            {
                return new Compiled(JsonSchema.FromText(text), null);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new Compiled(null, $"the schema cannot be compiled: {e.Message}");
            }
        }

        public List<(string Path, string Message)> Evaluate(JsonNode? instance)
        {
            if (_schema is null)
            {
                return [("", _broken!)];
            }

            EvaluationResults results;
            try
            {
                // JsonSchema.Net 7.4 caches evaluation state in the schema and its options: concurrent evaluations of
                // one instance can fail at random (json-everything issue 929), so each compiled schema evaluates alone.
                lock (_gate)
                {
                    results = _schema.Evaluate(instance, _options);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return [("", $"the schema cannot be evaluated: {e.Message}")];
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
}

/// <summary>The schemas (hashes) an input satisfies, and the errors against the others.</summary>
public sealed record SchemaCheck(ImmutableArray<Hash32> Satisfied, IReadOnlyList<SchemaError> Errors);
