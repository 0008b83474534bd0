using System.Collections.Concurrent;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Reputation;
using Ainur.Grains.Tests.Cluster;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Reputation;
using Orleans.Runtime;
using Orleans.Streams;

namespace Ainur.Grains.Tests.Reputation;

/// <summary>
/// The reputation grain on a two-silo cluster with PostgreSQL storage: every report counts exactly once however often
/// and in whatever order it arrives, across deactivation; Forget shrinks the stored de-duplication memory; remote
/// counters merge idempotently. The fixture sets no replica id, so this cluster's slot is its ServiceId.
/// </summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class ReputationGrainTests(PostgresClusterFixture fixture)
{
    [Fact]
    public async Task Record_DuplicatedAndReordered_CountsEachReportOnce()
    {
        var (_, grain) = NewAgent();
        OutcomeReport[] reports =
        [
            new("t1/1", TaskOutcome.Completed), new("t2/1", TaskOutcome.Failed), new("t2/2", TaskOutcome.Completed),
            new("t3/1", TaskOutcome.DisputeLost), new("t4/1", TaskOutcome.Completed),
        ];

        // Each report three times: later copies first, some sent concurrently.
        foreach (var report in reports.Reverse())
        {
            await grain.RecordAsync(report);
        }

        await Task.WhenAll(reports.Concat(reports).Select(grain.RecordAsync));

        Assert.Equal(new ReputationView(3, 1, 1, WilsonScore.LowerBound(3, 5), 1), await grain.GetAsync());
        var stored = await StoredAsync(grain);
        Assert.Equal(new OutcomeCounts(3, 1, 1), stored.Counter.Slot(fixture.ServiceId));
        Assert.Equal(reports.Select(r => r.ReportId).Order(), stored.InFlight.Order());
    }

    [Fact]
    public async Task Record_ResentAfterDeactivation_CountsOnce()
    {
        var (_, grain) = NewAgent();
        var report = new OutcomeReport("task-a/1", TaskOutcome.Completed);
        await grain.RecordAsync(report);

        await fixture.Cluster.DeactivateAsync(grain);
        await grain.RecordAsync(report);
        await grain.RecordAsync(new OutcomeReport("task-b/1", TaskOutcome.Failed));
        await fixture.Cluster.DeactivateAsync(grain);
        await grain.RecordAsync(report);

        Assert.Equal(new ReputationView(1, 1, 0, WilsonScore.LowerBound(1, 2), 1), await grain.GetAsync());
    }

    [Fact]
    public async Task Forget_DropsTheIdFromTheStoredMemory_SoOnlyReportsInFlightRemain()
    {
        var (_, grain) = NewAgent();
        foreach (var id in new[] { "a/1", "b/1", "c/1" })
        {
            await grain.RecordAsync(new OutcomeReport(id, TaskOutcome.Completed));
        }

        await grain.ForgetAsync("a/1");
        await grain.ForgetAsync("b/1");
        await grain.ForgetAsync("b/1");        // idempotent
        await grain.ForgetAsync("never-seen");

        // Forgetting is no write of its own: storage drops the ids when the grain deactivates (or with its next write).
        Assert.Equal(3, (await StoredAsync(grain)).InFlight.Count);
        await fixture.Cluster.DeactivateAsync(grain);
        var stored = await StoredAsync(grain);
        Assert.Equal(["c/1"], stored.InFlight);
        Assert.Equal(3, stored.Counter.Totals.Completed);   // forgetting never uncounts
        await grain.RecordAsync(new OutcomeReport("c/1", TaskOutcome.Completed));
        Assert.Equal(3, (await grain.GetAsync()).Completed);

        // The contract's other side: a forgotten id is new again, which is why only an acknowledged reporter forgets.
        await grain.RecordAsync(new OutcomeReport("a/1", TaskOutcome.Completed));
        Assert.Equal(4, (await grain.GetAsync()).Completed);
    }

    [Fact]
    public async Task Merge_RemoteReplica_AddsItsSlot_AndIsIdempotent()
    {
        var (_, grain) = NewAgent();
        await grain.RecordAsync(new OutcomeReport("local/1", TaskOutcome.Completed));
        var older = ReputationCounter.Empty.Increment("region-b", TaskOutcome.Completed).Increment("region-b", TaskOutcome.Failed);
        var newer = older.Increment("region-b", TaskOutcome.DisputeLost);

        await grain.MergeAsync(newer);
        await grain.MergeAsync(newer);
        await grain.MergeAsync(older);            // stale and out of order
        await fixture.Cluster.DeactivateAsync(grain);
        await grain.MergeAsync(newer);

        Assert.Equal(new ReputationView(2, 1, 1, WilsonScore.LowerBound(2, 4), 2), await grain.GetAsync());
        var stored = await StoredAsync(grain);
        Assert.Equal(new OutcomeCounts(1, 1, 1), stored.Counter.Slot("region-b"));
        Assert.Equal(new OutcomeCounts(1, 0, 0), stored.Counter.Slot(fixture.ServiceId));
    }

    [Fact]
    public async Task Score_IsTheWilsonBoundOfTheTotalsOverAllReplicas()
    {
        var (_, grain) = NewAgent();
        for (var i = 0; i < 7; i++)
        {
            await grain.RecordAsync(new OutcomeReport($"ok/{i}", TaskOutcome.Completed));
        }

        await grain.RecordAsync(new OutcomeReport("bad/1", TaskOutcome.Failed));
        await grain.MergeAsync(ReputationCounter.Empty.Increment("region-c", TaskOutcome.Completed).Increment("region-c", TaskOutcome.DisputeLost));

        var view = await grain.GetAsync();

        Assert.Equal(WilsonScore.LowerBound(8, 10), view.Score);
        Assert.Equal((8L, 1L, 1L, 2), (view.Completed, view.Failed, view.DisputesLost, view.Replicas));
    }

    [Fact]
    public async Task Get_UnknownAgent_IsZeros_AndStoresNothing()
    {
        var (_, grain) = NewAgent();

        Assert.Equal(new ReputationView(0, 0, 0, 0, 0), await grain.GetAsync());
        Assert.False((await StoredReputation.ReadAsync(fixture.Cluster, grain)).RecordExists);
    }

    [Fact]
    public async Task Record_BlankIdOrUndefinedOutcome_IsRefused_AndChangesNothing()
    {
        var (_, grain) = NewAgent();
        await grain.RecordAsync(new OutcomeReport("ok/1", TaskOutcome.Completed));

        await Assert.ThrowsAsync<ArgumentException>(() => grain.RecordAsync(new OutcomeReport(" ", TaskOutcome.Completed)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.RecordAsync(new OutcomeReport("x/1", (TaskOutcome)9)));

        Assert.Equal(1, (await grain.GetAsync()).Completed);
        Assert.Equal(["ok/1"], (await StoredAsync(grain)).InFlight);
    }

    [Fact]
    public async Task EachChange_IsPublishedOnTheReputationStream()
    {
        var ct = TestContext.Current.CancellationToken;
        var (did, grain) = NewAgent();
        var received = new ConcurrentQueue<ReputationCounter>();
        var stream = fixture.Cluster.Client.GetStreamProvider(AinurStreams.Provider)
            .GetStream<ReputationCounter>(StreamId.Create(AinurStreams.Reputation, did.Value));
        var subscription = await stream.SubscribeAsync((counter, _) =>
        {
            received.Enqueue(counter);
            return Task.CompletedTask;
        });

        await grain.RecordAsync(new OutcomeReport("s/1", TaskOutcome.Completed));
        await grain.RecordAsync(new OutcomeReport("s/1", TaskOutcome.Completed));   // no change: nothing published
        await grain.MergeAsync(ReputationCounter.Empty.Increment("region-d", TaskOutcome.Failed));

        var first = ReputationCounter.Empty.Increment(fixture.ServiceId, TaskOutcome.Completed);
        var second = first.Increment("region-d", TaskOutcome.Failed);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (received.Count < 2)
        {
            await Task.Delay(20, deadline.Token);
        }

        await subscription.UnsubscribeAsync();
        Assert.Equal([first, second], received);   // a memory stream keeps one producer's order
    }

    private (Did Did, IReputationGrain Grain) NewAgent()
    {
        using var key = AgentKey.Generate();
        return (key.Did, fixture.Cluster.Client.GetGrain<IReputationGrain>(key.Did.Value));
    }

    private Task<ReputationGrainState> StoredAsync(IReputationGrain grain) => StoredReputation.StateAsync(fixture.Cluster, grain);
}
