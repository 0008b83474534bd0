using System.Collections.Immutable;
using Orleans;

namespace Ainur.Protocol.Agents;

/// <summary>
/// What an agent declares about itself. Two manifests are equal when every field and every capability, in order,
/// is equal: re-registering an equal manifest is a no-op.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.AgentManifest")]
public sealed record AgentManifest(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] ImmutableArray<Capability> Capabilities,
    [property: Id(3)] AgentRuntime Runtime,
    [property: Id(4)] string? Endpoint)
{
    /// <inheritdoc/>
    public bool Equals(AgentManifest? other) =>
        other is not null
        && Name == other.Name
        && Version == other.Version
        && Capabilities.AsSpan().SequenceEqual(other.Capabilities.AsSpan())
        && Runtime == other.Runtime
        && Endpoint == other.Endpoint;

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(Version);
        foreach (var capability in Capabilities)
        {
            hash.Add(capability);
        }

        hash.Add(Runtime);
        hash.Add(Endpoint);
        return hash.ToHashCode();
    }
}
