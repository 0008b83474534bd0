using Ainur.Grains.Ledger.Mempool;

namespace Ainur.Grains.Tests.Mempool;

/// <summary>How long a proposal waits to fill: the batch wait when idle, up to the busy interval when transactions queue behind a height.</summary>
public sealed class BlockPacingTests
{
    private const long Frequency = 1000; // ticks per second: one tick is a millisecond here
    private static readonly TimeSpan BatchWait = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void IdleLedger_TransactionArrivedAfterTheLastDecision_WaitsOnlyTheBatchWait() =>
        Assert.Equal(BatchWait, Wait(pending: 1, oldestAdmitted: 105, lastDecided: 100, lastProposal: 95, now: 106));

    [Fact]
    public void BusyLedger_TransactionWaitedThroughAHeight_FillsUntilTheIntervalSinceTheLastProposal() =>
        Assert.Equal(TimeSpan.FromMilliseconds(12), Wait(pending: 3, oldestAdmitted: 97, lastDecided: 100, lastProposal: 95, now: 103));

    [Fact]
    public void BusyLedger_HeightTookLongerThanTheInterval_WaitsOnlyTheBatchWait() =>
        Assert.Equal(BatchWait, Wait(pending: 3, oldestAdmitted: 97, lastDecided: 140, lastProposal: 95, now: 141));

    [Fact]
    public void FullBlockOrEmptyPool_NeverWaits()
    {
        Assert.Equal(TimeSpan.Zero, Wait(pending: 10, oldestAdmitted: 97, lastDecided: 100, lastProposal: 95, now: 101, max: 10));
        Assert.Equal(TimeSpan.Zero, Wait(pending: 0, oldestAdmitted: long.MaxValue, lastDecided: 100, lastProposal: 95, now: 101));
    }

    [Fact]
    public void NothingDecidedOrProposedSinceThePoolStarted_WaitsOnlyTheBatchWait()
    {
        Assert.Equal(BatchWait, Wait(pending: 3, oldestAdmitted: 97, lastDecided: null, lastProposal: 95, now: 103));
        Assert.Equal(BatchWait, Wait(pending: 3, oldestAdmitted: 97, lastDecided: 100, lastProposal: null, now: 103));
    }

    [Fact]
    public void IntervalOff_IsTheOldRule() =>
        Assert.Equal(BatchWait, Wait(pending: 3, oldestAdmitted: 97, lastDecided: 100, lastProposal: 95, now: 103, interval: TimeSpan.Zero));

    private static TimeSpan Wait(int pending, long oldestAdmitted, long? lastDecided, long? lastProposal, long now, int max = 2000, TimeSpan? interval = null) =>
        BlockPacing.FillWait(pending, max, oldestAdmitted, lastDecided, lastProposal, now, BatchWait, interval ?? Interval, Frequency);
}
