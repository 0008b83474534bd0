using Ainur.Protocol.Reputation;
using CsCheck;

namespace Ainur.Protocol.Tests.Reputation;

/// <summary>
/// The counter is a CRDT: merge is a join (commutative, associative, idempotent), so any delivery of replica states,
/// duplicated, stale or reordered, converges to the same counter and never double-counts. CsCheck prints the seed of
/// a failing case.
/// </summary>
public sealed class ReputationCounterTests
{
    [Fact]
    public void Merge_IsCommutative() =>
        Gen.Select(Counters.Any, Counters.Any).Sample((a, b) => Assert.Equal(a.Merge(b), b.Merge(a)), iter: 2000);

    [Fact]
    public void Merge_IsAssociative() =>
        Gen.Select(Counters.Any, Counters.Any, Counters.Any).Sample((a, b, c) => Assert.Equal(a.Merge(b).Merge(c), a.Merge(b.Merge(c))), iter: 2000);

    [Fact]
    public void Merge_IsIdempotent() =>
        Gen.Select(Counters.Any, Counters.Any).Sample((a, b) =>
        {
            Assert.Equal(a, a.Merge(a));
            Assert.Same(a, a.Merge(a));
            Assert.Equal(a.Merge(b), a.Merge(b).Merge(b));
            Assert.Equal(a.Merge(b), a.Merge(b).Merge(a));
        }, iter: 2000);

    [Fact]
    public void Merge_IsTheLeastUpperBoundOfEachSlot() =>
        Gen.Select(Counters.Any, Counters.Any).Sample((a, b) =>
        {
            var merged = a.Merge(b);
            Assert.Equal(a.Slots.Keys.Union(b.Slots.Keys).Order(), merged.Slots.Keys.Order());
            foreach (var replica in merged.Slots.Keys)
            {
                Assert.Equal(a.Slot(replica).Max(b.Slot(replica)), merged.Slot(replica));
            }
        }, iter: 1000);

    [Fact]
    public void AnyReplayOfAHistory_DuplicatedOrReordered_MergesToTheFinalStatesMerged() =>
        Gen.Select(Counters.Steps.Array[0, 60], Gen.Int[0, int.MaxValue].Array[0, 120], Gen.Int[0, int.MaxValue].Array[120]).Sample((steps, extra, order) =>
        {
            var history = Counters.Run(steps);
            var expected = history.Finals.Aggregate(ReputationCounter.Empty, (sum, c) => sum.Merge(c));

            // Every final state once, plus any earlier or repeated states, in a random order.
            var deliveries = history.Finals
                .Concat(history.Published.Count == 0 ? [] : extra.Select(i => history.Published[i % history.Published.Count]))
                .Select((state, i) => (state, key: order[i % order.Length] ^ i))
                .OrderBy(d => d.key)
                .Select(d => d.state);
            var replayed = deliveries.Aggregate(ReputationCounter.Empty, (sum, c) => sum.Merge(c));

            Assert.Equal(expected, replayed);
            for (var r = 0; r < Counters.Replicas.Length; r++)
            {
                Assert.Equal(history.Increments[r], replayed.Slot(Counters.Replicas[r]).Trials);   // each increment counted once
            }
        }, iter: 1000);

    [Fact]
    public void ReplayingPublishedStatesIntoTheFinalState_ChangesNothing() =>
        Gen.Select(Counters.Steps.Array[1, 60], Gen.Int[0, int.MaxValue].Array[1, 60]).Sample((steps, picks) =>
        {
            var history = Counters.Run(steps);
            var converged = history.Finals.Aggregate(ReputationCounter.Empty, (sum, c) => sum.Merge(c));

            var replayed = picks.Aggregate(converged, (sum, i) => sum.Merge(history.Published[i % history.Published.Count]));

            Assert.Same(converged, replayed);
        }, iter: 1000);

    [Fact]
    public void Increment_AddsOneToExactlyThatOutcomeOfThatSlot_AndIsAboveTheOldCounter() =>
        Gen.Select(Counters.Any, Counters.Increments).Sample((counter, increment) =>
        {
            var replica = Counters.Replicas[increment.Replica];
            var next = counter.Increment(replica, increment.Outcome);

            Assert.Equal(next, next.Merge(counter));   // old <= new
            Assert.NotEqual(counter, next);
            Assert.Equal(counter.Slot(replica).Add(increment.Outcome), next.Slot(replica));
            Assert.Equal(counter.Totals.Trials + 1, next.Totals.Trials);
            foreach (var other in Counters.Replicas.Where(r => r != replica))
            {
                Assert.Equal(counter.Slot(other), next.Slot(other));
            }
        }, iter: 2000);

    [Fact]
    public void Totals_SumTheSlots_AndScoreIsTheirWilsonBound() =>
        Counters.Any.Sample(counter =>
        {
            var slots = counter.Slots.Values.ToList();
            Assert.Equal(slots.Sum(s => s.Completed), counter.Totals.Completed);
            Assert.Equal(slots.Sum(s => s.Failed), counter.Totals.Failed);
            Assert.Equal(slots.Sum(s => s.DisputesLost), counter.Totals.DisputesLost);
            Assert.Equal(WilsonScore.LowerBound(counter.Totals.Completed, counter.Totals.Trials), counter.Score);
        }, iter: 1000);

    [Fact]
    public void Empty_HasNoSlots_ZeroTotals_ZeroScore()
    {
        Assert.Empty(ReputationCounter.Empty.Slots);
        Assert.Equal(OutcomeCounts.Zero, ReputationCounter.Empty.Totals);
        Assert.Equal(0, ReputationCounter.Empty.Score);
        Assert.Equal(OutcomeCounts.Zero, ReputationCounter.Empty.Slot("anyone"));
    }

    [Fact]
    public void Increment_CountsEachOutcomeInItsOwnComponent()
    {
        var counter = ReputationCounter.Empty
            .Increment("a", TaskOutcome.Completed)
            .Increment("a", TaskOutcome.Completed)
            .Increment("a", TaskOutcome.Failed)
            .Increment("b", TaskOutcome.DisputeLost);

        Assert.Equal(new OutcomeCounts(2, 1, 0), counter.Slot("a"));
        Assert.Equal(new OutcomeCounts(0, 0, 1), counter.Slot("b"));
        Assert.Equal(new OutcomeCounts(2, 1, 1), counter.Totals);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Increment_BlankReplica_Throws(string replica) =>
        Assert.Throws<ArgumentException>(() => ReputationCounter.Empty.Increment(replica, TaskOutcome.Completed));

    [Fact]
    public void Increment_UndefinedOutcome_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ReputationCounter.Empty.Increment("a", (TaskOutcome)0));
}
