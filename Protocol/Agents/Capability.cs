using Orleans;

namespace Ainur.Protocol.Agents;

/// <summary>
/// One thing an agent offers to do. <see cref="Id"/> is the routing key (lower-case, dotted, e.g. <c>text.summarize</c>);
/// <see cref="Description"/> is the free text that discovery embeds; <see cref="Price"/> is in the ledger's smallest
/// unit, per task. Schemas are JSON Schema documents kept as compact JSON text. <see cref="Deterministic"/> declares
/// that the same input always gives the same output bytes, so a dispute over it is judged by re-running it and
/// comparing output hashes (otherwise by verifiers' signed verdicts); false unless the manifest says so.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Capability")]
public sealed record Capability(
    [property: Id(0)] string Id,
    [property: Id(1)] string Description,
    [property: Id(2)] long Price,
    [property: Id(3)] string InputSchema,
    [property: Id(4)] string OutputSchema,
    [property: Id(5)] bool Deterministic = false);
