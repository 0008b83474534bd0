using Orleans;

namespace Ainur.Protocol.Reputation;

/// <summary>
/// Counts of task outcomes, each a non-negative number of attempts. One replica's slot of a
/// <see cref="ReputationCounter"/>, or the totals over all slots.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.OutcomeCounts")]
public sealed record OutcomeCounts(
    [property: Id(0)] long Completed,
    [property: Id(1)] long Failed,
    [property: Id(2)] long DisputesLost)
{
    /// <summary>No outcome counted.</summary>
    public static OutcomeCounts Zero { get; } = new(0, 0, 0);

    /// <summary>Every counted attempt: successes and failures.</summary>
    public long Trials => checked(Completed + Failed + DisputesLost);

    /// <summary>These counts with one more <paramref name="outcome"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outcome"/> is not a defined value.</exception>
    public OutcomeCounts Add(TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.Completed => this with { Completed = checked(Completed + 1) },
        TaskOutcome.Failed => this with { Failed = checked(Failed + 1) },
        TaskOutcome.DisputeLost => this with { DisputesLost = checked(DisputesLost + 1) },
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a task outcome."),
    };

    /// <summary>The componentwise maximum: the join of two observations of the same replica's slot.</summary>
    public OutcomeCounts Max(OutcomeCounts other) => new(
        Math.Max(Completed, other.Completed), Math.Max(Failed, other.Failed), Math.Max(DisputesLost, other.DisputesLost));

    /// <summary>The componentwise sum: counts of two different replicas together.</summary>
    public OutcomeCounts Plus(OutcomeCounts other) => new(
        checked(Completed + other.Completed), checked(Failed + other.Failed), checked(DisputesLost + other.DisputesLost));
}
