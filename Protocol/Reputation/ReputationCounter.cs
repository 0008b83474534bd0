using System.Collections.Immutable;
using Orleans;

namespace Ainur.Protocol.Reputation;

/// <summary>
/// An agent's reputation as a state-based CRDT: a PN-counter of success with one slot per reporting replica (a
/// cluster or region, by its replica id), where the positive part is <see cref="OutcomeCounts.Completed"/> and the
/// negative part <see cref="OutcomeCounts.Failed"/> + <see cref="OutcomeCounts.DisputesLost"/>, each kept as its own
/// grow-only count. A replica only ever increments its own slot; <see cref="Merge"/> takes the componentwise maximum
/// per slot, so it is commutative, associative and idempotent: a duplicated, stale or reordered copy of any replica's
/// counter never counts twice. Immutable: every operation returns a new counter (or this one when nothing changes).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.ReputationCounter")]
public sealed record ReputationCounter
{
    private ReputationCounter(ImmutableDictionary<string, OutcomeCounts> slots) => Slots = slots;

    /// <summary>The counter of an agent nobody has reported on.</summary>
    public static ReputationCounter Empty { get; } = new(ImmutableDictionary.Create<string, OutcomeCounts>(StringComparer.Ordinal));

    /// <summary>Replica id (ordinal) to that replica's counts; replicas that never reported have no slot.</summary>
    [Id(0)]
    public ImmutableDictionary<string, OutcomeCounts> Slots { get; private init; }

    /// <summary>The sum of every replica's slot.</summary>
    public OutcomeCounts Totals => Slots.Values.Aggregate(OutcomeCounts.Zero, static (sum, slot) => sum.Plus(slot));

    /// <summary>The Wilson lower bound (z = 1.96) of the success rate of <see cref="Totals"/>, in [0, 1]; 0 with no outcomes.</summary>
    public double Score
    {
        get
        {
            var totals = Totals;
            return WilsonScore.LowerBound(totals.Completed, totals.Trials);
        }
    }

    /// <summary>The counts <paramref name="replica"/> reported; zero when it has no slot.</summary>
    public OutcomeCounts Slot(string replica) => Slots.GetValueOrDefault(replica, OutcomeCounts.Zero);

    /// <summary>
    /// This counter with one more <paramref name="outcome"/> in <paramref name="replica"/>'s slot. Only the replica
    /// that owns the slot may call this: two replicas incrementing one slot would lose counts on merge.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="replica"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outcome"/> is not a defined value.</exception>
    public ReputationCounter Increment(string replica, TaskOutcome outcome)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(replica);
        return new(Slots.SetItem(replica, Slot(replica).Add(outcome)));
    }

    /// <summary>
    /// The least counter above both: for every replica, the componentwise maximum of its slot in either. Returns this
    /// same instance when <paramref name="other"/> adds nothing, so callers can skip a write.
    /// </summary>
    public ReputationCounter Merge(ReputationCounter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var merged = Slots;
        foreach (var (replica, theirs) in other.Slots)
        {
            var ours = Slot(replica);
            var joined = ours.Max(theirs);
            if (joined != ours || !Slots.ContainsKey(replica))
            {
                merged = merged.SetItem(replica, joined);
            }
        }

        return ReferenceEquals(merged, Slots) ? this : new(merged);
    }

    /// <summary>Equal when both hold the same slots with the same counts.</summary>
    public bool Equals(ReputationCounter? other) =>
        other is not null && Slots.Count == other.Slots.Count
        && Slots.All(slot => other.Slots.TryGetValue(slot.Key, out var theirs) && theirs == slot.Value);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Slots.Count, Totals);
}
