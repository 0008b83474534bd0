using System.Diagnostics;

namespace Ainur.LoadTests;

/// <summary>One operation of a load loop; it throws when it fails. <c>worker</c> is 0..C-1, <c>iteration</c> counts per worker.</summary>
internal delegate Task LoadOperation(int worker, long iteration);

/// <summary>What one measured phase did.</summary>
internal sealed record PhaseResult(string Name, long Operations, long Errors, TimeSpan Elapsed, LatencyHistogram Latency, string? FirstError)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    public double P50Ms => Latency.PercentileMicros(0.50) / 1000;

    public double P99Ms => Latency.PercentileMicros(0.99) / 1000;

    public double MaxMs => Latency.MaxMicros / 1000.0;
}

/// <summary>Runs C concurrent workers, each calling an operation in a closed loop for a fixed time, and records latencies.</summary>
internal static class LoadRunner
{
    /// <summary>A discarded warm-up run, then the measured one.</summary>
    public static async Task<PhaseResult> RunPhaseAsync(string name, int concurrency, TimeSpan warmUp, TimeSpan duration, LoadOperation operation)
    {
        await RunAsync(name + " (warm-up)", concurrency, warmUp, operation, iterationBase: 0);
        return await RunAsync(name, concurrency, duration, operation, iterationBase: 1L << 40);
    }

    /// <summary>
    /// Runs <paramref name="concurrency"/> workers for <paramref name="duration"/>; an operation that throws counts as an
    /// error. Throughput counts completed operations over the time until the last worker stopped.
    /// </summary>
    public static async Task<PhaseResult> RunAsync(string name, int concurrency, TimeSpan duration, LoadOperation operation, long iterationBase = 0)
    {
        var errors = 0L;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        var histograms = await ClosedLoop.RunAsync(started, concurrency, duration, iterationBase, operation, (latency, took, error) =>
        {
            // A failed operation's latency counts too.
            latency.Record((long)took.TotalMicroseconds);
            if (error is not null)
            {
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref firstError, $"{error.GetType().Name}: {error.Message}", null);
            }
        });
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = LatencyHistogram.Merge(histograms);
        return new PhaseResult(name, all.Count, errors, elapsed, all, firstError);
    }
}

/// <summary>What an open-loop phase did: tasks offered at a fixed rate, and each one's two latencies.</summary>
internal sealed record PacedResult(string Name, double Offered, long Done, long Errors, TimeSpan Elapsed, LatencyHistogram CompleteLatency, LatencyHistogram SettledLatency, string? FirstError)
{
    public double SettledPerSecond => Done / Elapsed.TotalSeconds;

    public double Complete(double q) => CompleteLatency.PercentileMicros(q) / 1000;

    public double Settled(double q) => SettledLatency.PercentileMicros(q) / 1000;
}

/// <summary>Open loop: starts operation i at i / rate seconds whatever is still running, so a slow answer does not slow the offered load.</summary>
internal static class PacedRunner
{
    public static async Task<PacedResult> RunAsync(string name, double rate, TimeSpan duration, Func<long, Task<(TimeSpan First, TimeSpan Last)>> operation)
    {
        var total = (long)(rate * duration.TotalSeconds);
        var first = new LatencyHistogram();
        var last = new LatencyHistogram();
        var errors = 0L;
        string? firstError = null;
        var gate = new object();
        var running = new List<Task>();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0L; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate) - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            var index = i;
            running.Add(Task.Run(async () =>
            {
                try
                {
                    var (a, b) = await operation(index);
                    lock (gate)
                    {
                        first.Record((long)a.TotalMicroseconds);
                        last.Record((long)b.TotalMicroseconds);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
                }
            }));
        }

        await Task.WhenAll(running);
        return new PacedResult(name, rate, last.Count, errors, Stopwatch.GetElapsedTime(started), first, last, firstError);
    }
}
