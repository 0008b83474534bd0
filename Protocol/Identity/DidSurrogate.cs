using Orleans;

namespace Ainur.Protocol.Identity;

/// <summary>The Orleans wire and storage form of a <see cref="Did"/>: its text only.</summary>
[GenerateSerializer, Immutable, Alias("ainur.Did")]
public readonly record struct DidSurrogate([property: Id(0)] string Value);

/// <summary>
/// Converts between <see cref="Did"/> and <see cref="DidSurrogate"/>. Reading parses again, so a corrupted or
/// hand-edited stored value fails loudly instead of producing a <see cref="Did"/> that breaks its invariant.
/// </summary>
[RegisterConverter]
public sealed class DidSurrogateConverter : IConverter<Did, DidSurrogate>
{
    /// <inheritdoc/>
    public Did ConvertFromSurrogate(in DidSurrogate surrogate) => Did.Parse(surrogate.Value);

    /// <inheritdoc/>
    public DidSurrogate ConvertToSurrogate(in Did value) => new(value.Value);
}
