using System.Globalization;
using Orleans.Storage;

namespace Ainur.Grains.Tests.Storage.GroupCommit;

/// <summary>The grain-storage contract of <c>GroupCommitGrainStorage</c> on real PostgreSQL (migration 0006).</summary>
public sealed class GroupCommitStorageTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly string _serviceId = $"service-{Guid.NewGuid():N}";

    // A store name of its own: batch sizes are observed by store name, and other tests' silos write to "tasks" meanwhile.
    private readonly string _store = $"store-{Guid.NewGuid():N}";

    [Fact]
    public async Task Read_WhenMissing_GivesDefaultStateAndNullETag()
    {
        await using var store = Open();

        var read = await store.ReadAsync(GroupCommitStore.GrainIdOf("missing"));

        Assert.Equal(0, read.State!.Value);
        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task Write_ThenReadFromANewInstance_GivesTheStateAndETag()
    {
        var id = GroupCommitStore.GrainIdOf("round-trip");
        await using (var store = Open())
        {
            var state = new GrainState<CounterState>(new CounterState { Value = 42 });
            await store.WriteAsync(id, state);
            Assert.Equal("1", state.ETag);
            Assert.True(state.RecordExists);
        }

        await using var again = Open();
        var read = await again.ReadAsync(id);
        Assert.Equal(42, read.State!.Value);
        Assert.Equal("1", read.ETag);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task Write_FiveTimes_GivesETagsOneToFive()
    {
        await using var store = Open();
        var id = GroupCommitStore.GrainIdOf("versions");
        var state = new GrainState<CounterState>(new CounterState());

        var etags = new List<string?>();
        for (var i = 1; i <= 5; i++)
        {
            state.State!.Value = i;
            await store.WriteAsync(id, state);
            etags.Add(state.ETag);
        }

        Assert.Equal(["1", "2", "3", "4", "5"], etags);
        Assert.Equal(5, (await store.ReadAsync(id)).State!.Value);
    }

    [Fact]
    public async Task Write_WithStaleETag_ThrowsInconsistentState_AndChangesNothing()
    {
        await using var store = Open();
        var id = GroupCommitStore.GrainIdOf("stale");
        var state = new GrainState<CounterState>(new CounterState { Value = 1 });
        await store.WriteAsync(id, state);
        var stale = new GrainState<CounterState>(new CounterState { Value = 9 }) { ETag = state.ETag };
        state.State!.Value = 2;
        await store.WriteAsync(id, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteAsync(id, stale));

        Assert.Equal("1", stale.ETag);
        var read = await store.ReadAsync(id);
        Assert.Equal(2, read.State!.Value);
        Assert.Equal("2", read.ETag);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("7")]
    [InlineData("not-a-version")]
    public async Task Write_WithAnETagWhenNoRowExists_ThrowsInconsistentState_AndStoresNothing(string etag)
    {
        await using var store = Open();
        var id = GroupCommitStore.GrainIdOf($"ghost-{etag}");

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => store.WriteAsync(id, new GrainState<CounterState>(new CounterState { Value = 1 }) { ETag = etag }));

        Assert.Equal(0L, await store.CountRowsAsync());
        Assert.Null((await store.ReadAsync(id)).ETag);
    }

    [Fact]
    public async Task Write_WithNoETagOverAnExistingRow_ThrowsInconsistentState()
    {
        await using var store = Open();
        var id = GroupCommitStore.GrainIdOf("first-twice");
        await store.WriteAsync(id, new GrainState<CounterState>(new CounterState { Value = 1 }));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => store.WriteAsync(id, new GrainState<CounterState>(new CounterState { Value = 2 })));

        Assert.Equal(1, (await store.ReadAsync(id)).State!.Value);
    }

    [Fact]
    public async Task Clear_ThenRead_GivesAFreshStateWhoseVersionKeepsGrowing()
    {
        await using var store = Open();
        var id = GroupCommitStore.GrainIdOf("cleared");
        var state = new GrainState<CounterState>(new CounterState { Value = 5 });
        await store.WriteAsync(id, state);
        await store.WriteAsync(id, state);

        await store.Storage.ClearStateAsync("counter", id, state, TestContext.Current.CancellationToken);

        Assert.Equal("3", state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State!.Value);
        await using var other = store.Reopen();
        var read = await other.ReadAsync(id);
        Assert.Equal(0, read.State!.Value);
        Assert.Equal("3", read.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal(1L, await store.CountRowsAsync());

        read.State!.Value = 6;
        await other.WriteAsync(id, read);
        Assert.Equal("4", read.ETag);
        Assert.Equal(6, (await store.ReadAsync(id)).State!.Value);
    }

    [Fact]
    public async Task Clear_WithStaleETag_ThrowsInconsistentState_AndKeepsTheState()
    {
        await using var store = Open();
        var id = GroupCommitStore.GrainIdOf("clear-stale");
        var state = new GrainState<CounterState>(new CounterState { Value = 5 });
        await store.WriteAsync(id, state);
        var stale = new GrainState<CounterState>(new CounterState()) { ETag = state.ETag, RecordExists = true };
        await store.WriteAsync(id, state);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => store.Storage.ClearStateAsync("counter", id, stale, TestContext.Current.CancellationToken));

        var read = await store.ReadAsync(id);
        Assert.Equal(5, read.State!.Value);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task Write_SameGrainInAnotherStoreOrService_IsASeparateRow()
    {
        var id = GroupCommitStore.GrainIdOf("shared-key");
        await using var store = Open("tasks");
        await using var otherStore = Open("escrows");
        await using var otherService = GroupCommitStore.Open(fixture.Database.ConnectionString, _serviceId + "-other", "tasks");
        await store.WriteAsync(id, new GrainState<CounterState>(new CounterState { Value = 1 }));

        var inOtherStore = new GrainState<CounterState>(new CounterState { Value = 2 });
        await otherStore.WriteAsync(id, inOtherStore);
        var inOtherService = new GrainState<CounterState>(new CounterState { Value = 3 });
        await otherService.WriteAsync(id, inOtherService);

        Assert.Equal("1", inOtherStore.ETag);
        Assert.Equal("1", inOtherService.ETag);
        Assert.Equal(1, (await store.ReadAsync(id)).State!.Value);
        Assert.Equal(2, (await otherStore.ReadAsync(id)).State!.Value);
        Assert.Equal(3, (await otherService.ReadAsync(id)).State!.Value);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Write_ManyConcurrentWritersOnDifferentKeys_AreAllDurable_InBatchesOfAtMostTheCap(int inFlight)
    {
        const int writers = 1000, writesEach = 3, cap = 64;
        var store = Open(maxBatchSize: cap, maxInFlight: inFlight);
        using var batches = new BatchSizes(store.Name);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
            {
                var id = GroupCommitStore.GrainIdOf(w.ToString(CultureInfo.InvariantCulture));
                var state = new GrainState<CounterState>(new CounterState());
                for (var i = 1; i <= writesEach; i++)
                {
                    state.State!.Value = i * 1000 + w;
                    await store.WriteAsync(id, state);
                }
            }));
        }
        finally
        {
            await store.DisposeAsync();
        }

        // Every batch's size is reported before the next batch starts, and disposing waited for the loop.
        Assert.Equal(writers * writesEach, batches.Rows.Sum());
        Assert.All(batches.Rows, rows => Assert.InRange(rows, 1, cap));
        Assert.True(batches.Rows.Count < writers * writesEach / 2, $"{batches.Rows.Count} batches for {writers * writesEach} writes: not grouped");

        await using var reopened = store.Reopen();
        var reads = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => reopened.ReadAsync(GroupCommitStore.GrainIdOf(w.ToString(CultureInfo.InvariantCulture)))));
        for (var w = 0; w < writers; w++)
        {
            Assert.Equal((writesEach * 1000) + w, reads[w].State!.Value);
            Assert.Equal("3", reads[w].ETag);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Write_SameKeyManyTimesWithoutWaiting_CommitsEachInOrder_OnePerBatch(int inFlight)
    {
        const int writes = 20;
        var store = Open(maxInFlight: inFlight);
        using var batches = new BatchSizes(store.Name);
        var id = GroupCommitStore.GrainIdOf("chain");
        var states = Enumerable.Range(1, writes).Select(i => new GrainState<CounterState>(new CounterState { Value = i })
        {
            ETag = i == 1 ? null : (i - 1).ToString(CultureInfo.InvariantCulture),
        }).ToArray();
        try
        {
            // All queued before any completes: each expects the version the previous one makes.
            await Task.WhenAll(states.Select(s => store.WriteAsync(id, s)));

            Assert.Equal(Enumerable.Range(1, writes).Select(i => i.ToString(CultureInfo.InvariantCulture)), states.Select(s => s.ETag));
            var read = await store.ReadAsync(id);
            Assert.Equal(writes, read.State!.Value);
            Assert.Equal("20", read.ETag);
        }
        finally
        {
            await store.DisposeAsync();
        }

        Assert.Equal(writes, batches.Rows.Count);
    }

    [Fact]
    public async Task Stop_CommitsWhatIsQueued_ThenRefusesNewWrites()
    {
        var store = Open();
        var states = Enumerable.Range(0, 200).Select(i => new GrainState<CounterState>(new CounterState { Value = i })).ToArray();
        var writes = states.Select((s, i) => store.WriteAsync(GroupCommitStore.GrainIdOf($"queued-{i}"), s)).ToArray();

        await store.Provider.StopAsync(TestContext.Current.CancellationToken);

        await Task.WhenAll(writes);
        Assert.All(states, s => Assert.Equal("1", s.ETag));
        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => store.WriteAsync(GroupCommitStore.GrainIdOf("late"), new GrainState<CounterState>(new CounterState())));
        Assert.Equal(200L, await store.CountRowsAsync());
        await store.DisposeAsync();
    }

    private GroupCommitStore Open(string? name = null, int maxBatchSize = 512, int maxInFlight = 2) =>
        GroupCommitStore.Open(fixture.Database.ConnectionString, _serviceId, name ?? _store, maxBatchSize, maxInFlight);
}
