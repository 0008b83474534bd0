using System.Collections.Immutable;
using Ainur.Protocol.Reputation;

namespace Ainur.Grains.Reputation;

/// <summary>
/// The stored state of a <see cref="ReputationGrain"/>: the agent's counter and the ids of reports recorded but not
/// yet forgotten by their reporters. Both change in one write, which is what makes a report count exactly once.
/// </summary>
[GenerateSerializer, Alias("ainur.ReputationGrainState")]
public sealed class ReputationGrainState
{
    /// <summary>The agent's counter: this replica's slot and every slot merged from other replicas.</summary>
    [Id(0)]
    public ReputationCounter Counter { get; set; } = ReputationCounter.Empty;

    /// <summary>Report ids recorded and not yet forgotten: reports in flight, answered without counting when repeated.</summary>
    [Id(1)]
    public ImmutableHashSet<string> InFlight { get; set; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
}
