namespace Ainur.Grains.Agents;

/// <summary>The embedding of one capability's discovery text, and the text it was made from (to tell when it is stale).</summary>
[GenerateSerializer, Immutable, Alias("ainur.CapabilityEmbedding")]
public sealed record CapabilityEmbedding([property: Id(0)] string Text, [property: Id(1)] float[] Vector);
