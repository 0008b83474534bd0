using Ainur.Grains.Timing;
using Microsoft.Extensions.Time.Testing;

namespace Ainur.Grains.Tests.Timing;

public sealed class BoundedWaitTests
{
    [Fact]
    public async Task ForAsync_TaskFinishingInTime_IsTrue()
    {
        var clock = new FakeTimeProvider();
        var done = new TaskCompletionSource();

        var wait = BoundedWait.ForAsync(done.Task, TimeSpan.FromSeconds(2), clock);
        done.SetResult();

        Assert.True(await wait);
    }

    [Fact]
    public async Task ForAsync_TimeRunningOut_IsFalse_WithoutAnException()
    {
        var clock = new FakeTimeProvider();
        var never = new TaskCompletionSource();
        var thrown = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            // Other tests run in parallel in this process: count only what is thrown inside the wait.
            if (e.Exception is TimeoutException && new System.Diagnostics.StackTrace(e.Exception).ToString().Contains(nameof(BoundedWait), StringComparison.Ordinal))
            {
                Interlocked.Increment(ref thrown);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            var wait = BoundedWait.ForAsync(never.Task, TimeSpan.FromSeconds(2), clock);
            Assert.False(wait.IsCompleted);
            clock.Advance(TimeSpan.FromSeconds(2));

            Assert.False(await wait);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        Assert.Equal(0, Volatile.Read(ref thrown));
    }

    [Fact]
    public async Task ForAsync_FaultedTask_IsTrue_AndLeavesTheFaultToTheCaller()
    {
        var failed = Task.FromException(new InvalidOperationException("boom"));

        Assert.True(await BoundedWait.ForAsync(failed, TimeSpan.FromSeconds(2), new FakeTimeProvider()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
    }
}
