using System.Diagnostics;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Silo.Hosting;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>
/// Load-sized blocks on the real cluster: transactions that arrive while a height is decided share the next block
/// instead of taking a height each, and a transaction that finds the ledger idle is proposed at once. The pacing
/// interval is long here (1 s) so both show plainly against consensus heights of a few milliseconds.
/// </summary>
[Collection(BlockSizingCollection.Name)]
public sealed class BlockSizingTests(PacedLedgerClusterFixture fixture)
{
    private static readonly TimeSpan Finality = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BurstOfTransactions_ArrivingWhileHeightsAreDecided_IsFinalInFarFewerHeights()
    {
        var ct = TestContext.Current.CancellationToken;
        await WaitUntilIdleAsync(ct);
        const int count = 100;
        var transfers = Enumerable.Range(0, count).Select(_ => fixture.NextTransfer()).ToList();
        var before = (await fixture.Mempool.GetHeadAsync()).Height;
        var clock = Stopwatch.StartNew();

        // One by one, a few milliseconds apart (in nonce order): with a block per height as soon as anything waits,
        // nearly every height would carry only what arrived during the one before.
        var waits = new List<Task<TxStatus>>();
        foreach (var transfer in transfers)
        {
            await fixture.Mempool.SubmitAsync(transfer);
            waits.Add(fixture.Mempool.WaitAsync(transfer.Id, Finality));
            await Task.Delay(5, ct);
        }

        var statuses = await Task.WhenAll(waits);
        var elapsed = clock.Elapsed;
        var heights = (await fixture.Mempool.GetHeadAsync()).Height - before;

        Assert.All(statuses, s => Assert.Equal(TxState.Final, s.State));
        var bound = (int)(elapsed / PacedLedgerClusterFixture.Interval) + 3;
        Assert.True(heights <= bound && heights <= count / 10, $"{count} transactions took {heights} heights in {elapsed.TotalMilliseconds:F0} ms (bound {Math.Min(bound, count / 10)})");
    }

    [Fact]
    public async Task LoneTransaction_OnAnIdleLedger_IsFinalWithoutWaitingForTheInterval()
    {
        var ct = TestContext.Current.CancellationToken;
        await WaitUntilIdleAsync(ct);
        var transfer = fixture.NextTransfer();
        var clock = Stopwatch.StartNew();

        var status = await fixture.SubmitAndWaitAsync(transfer, Finality, ct);

        Assert.Equal(TxState.Final, status.State);
        Assert.True(clock.Elapsed < PacedLedgerClusterFixture.Interval, $"a lone transaction took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    // No transaction pending and the last height older than the interval: whatever ran before has settled.
    private async Task WaitUntilIdleAsync(CancellationToken ct)
    {
        Assert.Equal(TxState.Final, (await fixture.SubmitAndWaitAsync(fixture.NextTransfer(), Finality, ct)).State);
        while ((await fixture.Mempool.GetHeadAsync()).Pending > 0)
        {
            await Task.Delay(50, ct);
        }

        await Task.Delay(PacedLedgerClusterFixture.Interval * 1.5, ct);
    }
}

/// <summary>The ledger cluster with a long busy-block interval (and a propose timeout long enough for it).</summary>
public sealed class PacedLedgerClusterFixture : LedgerClusterFixture
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override void Configure(LedgerOptions ledger)
    {
        ledger.BusyBlockIntervalMs = (int)Interval.TotalMilliseconds;
        ledger.ProposeTimeoutMs = 4 * (int)Interval.TotalMilliseconds;
    }
}

[CollectionDefinition(Name)]
public sealed class BlockSizingCollection : ICollectionFixture<PacedLedgerClusterFixture>
{
    public const string Name = nameof(BlockSizingCollection);
}
