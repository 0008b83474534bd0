namespace Ainur.Grains.Interfaces.Reputation;

/// <summary>
/// An agent's reputation as read: outcome totals over every replica (counts of attempts), the Wilson lower bound
/// (z = 1.96) of its success rate in [0, 1] (0 with no outcomes), and how many replicas have reported.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.ReputationView")]
public sealed record ReputationView(
    [property: Id(0)] long Completed,
    [property: Id(1)] long Failed,
    [property: Id(2)] long DisputesLost,
    [property: Id(3)] double Score,
    [property: Id(4)] int Replicas);
