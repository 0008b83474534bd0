using Ainur.Protocol.Agents;

namespace Ainur.Grains.Agents;

/// <summary>The stored state of an <see cref="AgentGrain"/>; <see cref="Record"/> is null until the first registration.</summary>
[GenerateSerializer, Alias("ainur.AgentGrainState")]
public sealed class AgentGrainState
{
    /// <summary>The registered agent.</summary>
    [Id(0)]
    public AgentRecord? Record { get; set; }

    /// <summary>
    /// The embedding of each capability's discovery text, by capability id: derived from <see cref="Record"/> and kept
    /// so that a discovery shard rebuilds without encoding again. Refreshed when the text changes.
    /// </summary>
    [Id(1)]
    public Dictionary<string, CapabilityEmbedding> Embeddings { get; set; } = [];
}
