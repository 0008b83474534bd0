using Ainur.Gateway.Errors;

namespace Ainur.Gateway.Cluster;

/// <summary>
/// Retries a grain call while a silo fails over: calls to a dead silo fail fast until membership declares it dead
/// (about 2 s with Ainur's tuning), then the grain re-activates elsewhere. Only for idempotent calls.
/// </summary>
public static class GrainRetry
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="call"/>, retrying with backoff on cluster-unavailable errors for up to ten seconds.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (ClusterUnavailable.Is(e) && TimeProvider.System.GetElapsedTime(started) + delay < Budget)
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
            }
        }
    }
}
