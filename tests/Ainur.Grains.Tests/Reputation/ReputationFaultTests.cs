using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Tests.Cluster;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Reputation;
using Orleans.TestingHost;

namespace Ainur.Grains.Tests.Reputation;

/// <summary>
/// A cluster whose reputation store (real PostgreSQL) loses chosen writes, before or after storing them, and whose
/// replica id is configured (<c>Ainur:Reputation:Replica</c>) rather than defaulted.
/// </summary>
public sealed class ReputationFaultFixture : IAsyncLifetime
{
    public const string Replica = "region-under-test";

    private PostgresTestCluster? _cluster;

    internal WriteFaults Faults { get; } = new();

    public InProcessTestCluster Cluster => (_cluster ?? throw new InvalidOperationException("Fixture not initialised.")).Cluster;

    public async ValueTask InitializeAsync()
    {
        var serviceId = $"reputation-faults-{Guid.NewGuid():N}";
        _cluster = await PostgresTestCluster.StartAsync(
            serviceId,
            database =>
            {
                var options = PostgresClusterFixture.Options(serviceId, database);
                options.Reputation.Replica = Replica;
                return options;
            },
            silo => FlakyGrainStorage.Wrap(silo, AinurStores.Reputation, Faults));
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>
/// Exactly once when writes fail: the reporter calls until acknowledged, as the protocol says, and each report counts
/// once whether the failed write was lost or was stored and only its answer lost.
/// </summary>
public sealed class ReputationFaultTests(ReputationFaultFixture fixture) : IClassFixture<ReputationFaultFixture>
{
    [Fact]
    public async Task Record_WhenTheWriteIsLost_CountsOnceOnRetry()
    {
        var grain = NewAgent();

        fixture.Faults.FailNextBeforeStoring();
        var attempts = await RecordUntilAcknowledgedAsync(grain, new OutcomeReport("lost-request/1", TaskOutcome.Completed));

        Assert.Equal(2, attempts);
        await AssertCountedOnceAsync(grain, "lost-request/1");
    }

    [Fact]
    public async Task Record_WhenTheWriteIsStoredButItsAnswerLost_CountsOnceOnRetry()
    {
        var grain = NewAgent();

        fixture.Faults.FailNextAfterStoring();
        var attempts = await RecordUntilAcknowledgedAsync(grain, new OutcomeReport("lost-answer/1", TaskOutcome.Completed));

        Assert.True(attempts >= 2, "the injected fault was not seen");
        await AssertCountedOnceAsync(grain, "lost-answer/1");
    }

    [Fact]
    public async Task Merge_WhenTheWriteIsStoredButItsAnswerLost_StillCountsOnce()
    {
        var grain = NewAgent();
        var remote = ReputationCounter.Empty.Increment("region-b", TaskOutcome.Failed);

        fixture.Faults.FailNextAfterStoring();
        await Assert.ThrowsAnyAsync<OrleansException>(() => grain.MergeAsync(remote));
        await grain.MergeAsync(remote);

        Assert.Equal(new ReputationView(0, 1, 0, 0, 1), await grain.GetAsync());
    }

    [Fact]
    public async Task Record_RepeatedWhileItsWriteIsInFlight_IsAcknowledgedOnlyOnceDurable()
    {
        var grain = NewAgent();
        var report = new OutcomeReport("repeated-in-flight/1", TaskOutcome.Completed);
        var hold = fixture.Faults.HoldWriteOf(grain.GetPrimaryKeyString());

        var first = grain.RecordAsync(report);
        await hold.Reached;
        var repeated = grain.RecordAsync(report);
        // The repeat finds the id recorded in memory; its write is held, so the repeat must wait, not acknowledge.
        await Task.Delay(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);
        Assert.False(repeated.IsCompleted, "a repeated report was acknowledged before the write that records it was durable");

        hold.Lose();
        await Assert.ThrowsAnyAsync<Exception>(() => first);
        await Assert.ThrowsAnyAsync<Exception>(() => repeated);
        await RecordUntilAcknowledgedAsync(grain, report);
        await AssertCountedOnceAsync(grain, report.ReportId);
    }

    [Fact]
    public async Task Record_ReportsArrivingDuringAWrite_ShareTheNextWrite()
    {
        var grain = NewAgent();
        var hold = fixture.Faults.HoldWriteOf(grain.GetPrimaryKeyString());
        var first = grain.RecordAsync(new OutcomeReport("shared/0", TaskOutcome.Completed));
        await hold.Reached;

        var more = Enumerable.Range(1, 10).Select(i => grain.RecordAsync(new OutcomeReport($"shared/{i}", TaskOutcome.Completed))).ToArray();
        await Task.Delay(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);
        hold.Store();
        await first;
        await Task.WhenAll(more);

        // One report each would be 11 writes; the ten that came while the first was held shared one.
        var stored = await StoredReputation.ReadAsync(fixture.Cluster, grain);
        Assert.InRange(int.Parse(stored.ETag!, System.Globalization.CultureInfo.InvariantCulture), 2, 3);
        Assert.Equal(new OutcomeCounts(11, 0, 0), stored.State!.Counter.Slot(ReputationFaultFixture.Replica));
        Assert.Equal(11, stored.State.InFlight.Count);
        Assert.Equal(11, (await grain.GetAsync()).Completed);
    }

    private IReputationGrain NewAgent()
    {
        using var key = AgentKey.Generate();
        return fixture.Cluster.Client.GetGrain<IReputationGrain>(key.Did.Value);
    }

    /// <summary>What a reporter does: call until a call returns (bounded here, so a broken grain fails the test). Returns the calls made.</summary>
    private static async Task<int> RecordUntilAcknowledgedAsync(IReputationGrain grain, OutcomeReport report)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grain.RecordAsync(report);
                return attempt;
            }
            catch (OrleansException) when (attempt < 5)
            {
                // Unknown outcome (the storage error, or a stale activation's etag conflict): send the same report again.
            }
        }
    }

    private async Task AssertCountedOnceAsync(IReputationGrain grain, string reportId)
    {
        Assert.Equal(new ReputationView(1, 0, 0, WilsonScore.LowerBound(1, 1), 1), await grain.GetAsync());
        var stored = await StoredReputation.StateAsync(fixture.Cluster, grain);
        Assert.Equal(new OutcomeCounts(1, 0, 0), stored.Counter.Slot(ReputationFaultFixture.Replica));
        Assert.Equal([reportId], stored.InFlight);
    }
}
