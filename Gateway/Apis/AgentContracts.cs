using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;

namespace Ainur.Gateway.Apis;

/// <summary>Body of <c>POST /v1/agents</c>: the DID being registered (it must be the signer's) and its manifest.</summary>
public sealed record RegisterAgentRequest(string Did, ManifestBody Manifest);

/// <summary>An agent manifest on the wire.</summary>
public sealed record ManifestBody(string Name, string Version, IReadOnlyList<CapabilityBody> Capabilities, RuntimeBody Runtime, string? Endpoint = null)
{
    /// <summary>The protocol's manifest; schemas become compact JSON text.</summary>
    public AgentManifest ToManifest() => new(
        Name,
        Version,
        [.. Capabilities.Select(c => new Capability(c.Id, c.Description, c.Price, SchemaIds.Compact(c.InputSchema), SchemaIds.Compact(c.OutputSchema), c.Deterministic))],
        new AgentRuntime(Runtime.Kind, Runtime.ModuleHash),
        Endpoint);

    /// <summary>The wire form of a stored manifest.</summary>
    public static ManifestBody From(AgentManifest manifest) => new(
        manifest.Name,
        manifest.Version,
        [.. manifest.Capabilities.Select(c => new CapabilityBody(c.Id, c.Description, c.Price, Parse(c.InputSchema), Parse(c.OutputSchema), c.Deterministic))],
        new RuntimeBody(manifest.Runtime.Kind, manifest.Runtime.ModuleHash),
        manifest.Endpoint);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>
/// A capability on the wire; schemas are JSON Schema documents inline. <paramref name="Deterministic"/> is optional
/// (false when left out): true declares that the same input always gives the same output.
/// </summary>
public sealed record CapabilityBody(string Id, string Description, long Price, JsonElement InputSchema, JsonElement OutputSchema, bool Deterministic = false);

/// <summary>Where the agent runs: <c>remote</c>, or <c>wasm</c> with the module's Blake2b-256 hash.</summary>
public sealed record RuntimeBody(RuntimeKind Kind, string? ModuleHash = null);

/// <summary>
/// A registered agent as the API returns it. <see cref="DeregisteredAt"/> is always present: null while the agent is
/// active, else when it deregistered. <see cref="Outcome"/> is set only in answer to a registration.
/// </summary>
public sealed record AgentView(
    string Did,
    int Version,
    ManifestBody Manifest,
    DidDocument Document,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? DeregisteredAt,
    RegistrationOutcome? Outcome = null)
{
    /// <summary>The view of a stored record.</summary>
    public static AgentView From(AgentRecord record, RegistrationOutcome? outcome = null) => new(
        record.Did.Value, record.Version, ManifestBody.From(record.Manifest), DidDocument.For(record.Did), record.RegisteredAt, record.UpdatedAt,
        record.DeregisteredAt, outcome);
}
