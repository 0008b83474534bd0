using Orleans;

namespace Ainur.Protocol.Agents;

/// <summary>One broken rule of a manifest: <see cref="Field"/> is a JSON-pointer-like path (e.g. <c>capabilities/0/price</c>).</summary>
[GenerateSerializer, Immutable, Alias("ainur.ManifestError")]
public sealed record ManifestError(
    [property: Id(0)] string Field,
    [property: Id(1)] string Message);
