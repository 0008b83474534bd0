using Orleans;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// Evidence that validator <see cref="Signer"/> signed two different messages for one height, round and step:
/// both messages carry valid signatures. The first is the one the core kept and counted; the second was ignored.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Equivocation")]
public sealed record Equivocation([property: Id(0)] ConsensusMessage First, [property: Id(1)] ConsensusMessage Second)
{
    /// <summary>The validator that equivocated.</summary>
    public int Signer => First.Signer;
}
