using Ainur.Protocol.Agents;

namespace Ainur.Grains.Agents;

/// <summary>The stored state of an <see cref="AgentGrain"/>; <see cref="Record"/> is null until the first registration.</summary>
[GenerateSerializer, Alias("ainur.AgentGrainState")]
public sealed class AgentGrainState
{
    /// <summary>The registered agent.</summary>
    [Id(0)]
    public AgentRecord? Record { get; set; }
}
