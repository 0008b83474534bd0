using Ainur.Testing;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;

namespace Ainur.Grains.Tests.Storage.GroupCommit;

/// <summary>
/// When PostgreSQL cannot be reached, or the database goes away mid-way, every caller of the failed batch gets an
/// exception (never a hang), and the store keeps serving later calls, which fail the same way while it lasts.
/// The timeouts only turn a hang into a failure; nothing here measures time.
/// </summary>
public sealed class GroupCommitFailureTests
{
    [Fact(Timeout = 120_000)]
    public async Task Write_WhenTheServerIsUnreachable_ThrowsToTheCaller()
    {
        // Port 1 on loopback: nothing listens, the connection is refused.
        await using var store = GroupCommitStore.Open("Host=127.0.0.1;Port=1;Username=postgres;Timeout=5", $"service-{Guid.NewGuid():N}", "tasks");
        var id = GroupCommitStore.GrainIdOf("nowhere");
        var state = new GrainState<CounterState>(new CounterState { Value = 1 });

        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var failed = await Assert.ThrowsAsync<OrleansException>(() => store.WriteAsync(id, state));
        var failedRead = await Assert.ThrowsAsync<OrleansException>(() => store.ReadAsync(id));

        Assert.IsAssignableFrom<NpgsqlException>(failed.InnerException);
        Assert.IsAssignableFrom<NpgsqlException>(failedRead.InnerException);
        Assert.Null(state.ETag);
    }

    [Fact(Timeout = 120_000)]
    public async Task Write_AfterTheDatabaseIsDropped_ThrowsToEveryCallerOfTheBatch_AndToLaterCalls()
    {
        var database = await TestDatabase.CreateAsync(TestContext.Current.CancellationToken);
        await using var store = GroupCommitStore.Open(database.ConnectionString, $"service-{Guid.NewGuid():N}", "tasks");
        var id = GroupCommitStore.GrainIdOf("before");
        var before = new GrainState<CounterState>(new CounterState { Value = 1 });
        await store.WriteAsync(id, before);
        Assert.Equal("1", before.ETag);

        // Drops with force: the store's open connections are terminated under it.
        await database.DisposeAsync();

        var concurrent = Enumerable.Range(0, 50)
            .Select(i => store.WriteAsync(GroupCommitStore.GrainIdOf($"after-{i}"), new GrainState<CounterState>(new CounterState { Value = i })))
            .ToArray();
        foreach (var write in concurrent)
        {
            await Assert.ThrowsAsync<OrleansException>(() => write);
        }

        await Assert.ThrowsAsync<OrleansException>(() => store.WriteAsync(id, before));
        await Assert.ThrowsAsync<OrleansException>(() => store.ReadAsync(id));
        Assert.Equal("1", before.ETag);
    }
}
