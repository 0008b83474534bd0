using Ainur.Grains.Threading;

namespace Ainur.Grains.Tests.Threading;

/// <summary>
/// Long work runs on threads of its own and callers await it: encoding inside a grain turn held a thread of the
/// shared pool for its whole run, and a burst of registrations stalled every grain of a two-core silo.
/// </summary>
public sealed class DedicatedThreadsTests
{
    [Fact]
    public async Task WorkThatRunsLong_DoesNotHoldItsCaller_AndRunsOnANamedThread_NotThePool()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gate = new ManualResetEventSlim();
        using var threads = new DedicatedThreads(1, "test-worker");
        var ran = threads.RunAsync(() =>
        {
            gate.Wait(TimeSpan.FromSeconds(30), ct);
            return (Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name);
        }, ct);

        Assert.False(ran.IsCompleted);
        gate.Set();

        Assert.Equal((false, "test-worker-0"), await ran);
    }

    [Fact]
    public async Task MoreCallsThanThreads_EachAnswered_AFailureGoesToItsCaller_WorkCancelledBeforeItStartsIsSkipped()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gate = new ManualResetEventSlim();
        using var threads = new DedicatedThreads(2, "test-worker");
        var blockers = Enumerable.Range(0, 2).Select(_ => threads.RunAsync(() => gate.Wait(TimeSpan.FromSeconds(30), ct), ct)).ToList();
        var skipped = 0;
        using var cancel = new CancellationTokenSource();
        var cancelled = threads.RunAsync(() => Interlocked.Increment(ref skipped), cancel.Token);
        var calls = Enumerable.Range(1, 40).Select(n => threads.RunAsync(() => n * n, ct)).ToList();
        var failing = threads.RunAsync<int>(() => throw new InvalidOperationException("refused"), ct);
        cancel.Cancel();
        gate.Set();

        Assert.Equal(Enumerable.Range(1, 40).Select(n => n * n), await Task.WhenAll(calls));
        Assert.Equal("refused", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(0, skipped);
        Assert.All(await Task.WhenAll(blockers), Assert.True);
    }
}
