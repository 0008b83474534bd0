using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ainur.Protocol.Agents;

/// <summary>
/// The rules a manifest must satisfy before it is stored. Limits keep a manifest small enough to hold in grain state
/// and to embed for discovery; every broken rule is reported, not only the first.
/// </summary>
public static partial class ManifestRules
{
    /// <summary>Most capabilities one agent may declare.</summary>
    public const int MaxCapabilities = 32;

    /// <summary>Longest capability description, in characters.</summary>
    public const int MaxDescriptionLength = 2048;

    /// <summary>Largest input or output schema, in UTF-8 bytes of its compact JSON.</summary>
    public const int MaxSchemaBytes = 16 * 1024;

    /// <summary>Highest price per task, in the ledger's smallest unit.</summary>
    public const long MaxPrice = 1_000_000_000_000_000;

    /// <summary>Every rule the manifest breaks; empty when it is valid.</summary>
    public static ImmutableArray<ManifestError> Validate(AgentManifest manifest)
    {
        var errors = ImmutableArray.CreateBuilder<ManifestError>();
        CheckText(errors, "name", manifest.Name, 64, allowLineBreaks: false);
        CheckText(errors, "version", manifest.Version, 32, allowLineBreaks: false);

        if (manifest.Capabilities.IsDefaultOrEmpty)
        {
            errors.Add(new("capabilities", "at least one capability is required"));
        }
        else if (manifest.Capabilities.Length > MaxCapabilities)
        {
            errors.Add(new("capabilities", $"at most {MaxCapabilities} capabilities are allowed"));
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < manifest.Capabilities.Length; i++)
            {
                CheckCapability(errors, $"capabilities/{i}", manifest.Capabilities[i], seen);
            }
        }

        CheckRuntime(errors, manifest.Runtime);
        if (manifest.Endpoint is { } endpoint && EndpointRules.Problem(endpoint) is { } problem)
        {
            errors.Add(new("endpoint", problem));
        }

        return errors.ToImmutable();
    }

    /// <summary>Whether <paramref name="id"/> is a well-formed capability id: 1-64 of a-z, 0-9, '.', '-', '_', starting with a letter or digit.</summary>
    public static bool IsCapabilityId(string? id) => id is not null && CapabilityId().IsMatch(id);

    private static void CheckCapability(ImmutableArray<ManifestError>.Builder errors, string at, Capability? capability, HashSet<string> seen)
    {
        if (capability is null)
        {
            errors.Add(new(at, "must be an object"));
            return;
        }

        if (!IsCapabilityId(capability.Id))
        {
            errors.Add(new($"{at}/id", "must be 1-64 characters of a-z, 0-9, '.', '-', '_', starting with a letter or digit"));
        }
        else if (!seen.Add(capability.Id))
        {
            errors.Add(new($"{at}/id", $"duplicate capability id '{capability.Id}'"));
        }

        CheckText(errors, $"{at}/description", capability.Description, MaxDescriptionLength, allowLineBreaks: true);
        if (capability.Price is < 0 or > MaxPrice)
        {
            errors.Add(new($"{at}/price", $"must be an integer from 0 to {MaxPrice}"));
        }

        CheckSchema(errors, $"{at}/inputSchema", capability.InputSchema);
        CheckSchema(errors, $"{at}/outputSchema", capability.OutputSchema);
    }

    private static void CheckRuntime(ImmutableArray<ManifestError>.Builder errors, AgentRuntime? runtime)
    {
        switch (runtime)
        {
            case null:
                errors.Add(new("runtime", "is required"));
                break;
            case { Kind: RuntimeKind.Wasm, ModuleHash: var hash } when hash is null || !ModuleHash().IsMatch(hash):
                errors.Add(new("runtime/moduleHash", "a wasm runtime needs the module's Blake2b-256 hash as 64 lower-case hex digits"));
                break;
            case { Kind: RuntimeKind.Remote, ModuleHash: not null }:
                errors.Add(new("runtime/moduleHash", "only a wasm runtime has a module hash"));
                break;
            case { Kind: not (RuntimeKind.Remote or RuntimeKind.Wasm) }:
                errors.Add(new("runtime/kind", "must be 'remote' or 'wasm'"));
                break;
        }
    }

    private static void CheckText(ImmutableArray<ManifestError>.Builder errors, string field, string? value, int maxLength, bool allowLineBreaks)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(field, "is required and may not be blank"));
        }
        else if (value.Length > maxLength)
        {
            errors.Add(new(field, $"may be at most {maxLength} characters"));
        }
        else if (value.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t')))
        {
            errors.Add(new(field, "may not contain control characters"));
        }
        else if (VisibleText.FirstHidden(value) is { } hidden)
        {
            errors.Add(new(field, $"may not contain invisible or formatting characters such as bidirectional controls ({hidden})"));
        }
    }

    private static void CheckSchema(ImmutableArray<ManifestError>.Builder errors, string field, string? schema)
    {
        if (schema is null)
        {
            errors.Add(new(field, "is required (a JSON Schema object; {} accepts anything)"));
            return;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(schema) > MaxSchemaBytes)
        {
            errors.Add(new(field, $"may be at most {MaxSchemaBytes} bytes"));
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(schema);
            if (document.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add(new(field, "must be a JSON Schema: an object or a boolean"));
                return;
            }
        }
        catch (JsonException)
        {
            errors.Add(new(field, "is not valid JSON"));
            return;
        }

        SchemaGraph.Read(schema, out var problems);
        errors.AddRange(problems.Select(problem => new ManifestError(field, problem)));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex CapabilityId();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModuleHash();
}
