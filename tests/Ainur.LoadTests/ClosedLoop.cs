using System.Diagnostics;

namespace Ainur.LoadTests;

/// <summary>How one operation of a closed loop ended: its worker's histogram, how long it took, and what it threw (null: it succeeded).</summary>
internal delegate void LoadOutcome(LatencyHistogram workerLatency, TimeSpan took, Exception? error);

/// <summary>
/// The closed loop that <see cref="LoadRunner"/> and the load tools' live runner share: C workers each call one operation
/// again as soon as the last one ended, until the time is up, and finish the operation they started. Each outcome goes
/// to a callback on its worker's own flow with that worker's histogram, so what a runner records per worker needs no lock.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>
    /// Runs <paramref name="concurrency"/> workers from <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp)
    /// until <paramref name="duration"/> has passed; iteration numbers start at <paramref name="iterationBase"/>. Returns
    /// the workers' histograms once the last one stopped.
    /// </summary>
    public static async Task<LatencyHistogram[]> RunAsync(
        long started, int concurrency, TimeSpan duration, long iterationBase, LoadOperation operation, LoadOutcome outcome)
    {
        var histograms = new LatencyHistogram[concurrency];
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        async Task WorkerAsync(int worker)
        {
            var histogram = histograms[worker] = new LatencyHistogram();
            for (var iteration = iterationBase; Stopwatch.GetTimestamp() < stopAt; iteration++)
            {
                // Grain calls answered in process complete inline: yield so that one worker cannot starve the others (STACK-NOTES).
                await Task.Yield();
                var begin = Stopwatch.GetTimestamp();
                Exception? error = null;
                try
                {
                    await operation(worker, iteration);
                }
                catch (Exception e)
                {
                    error = e;
                }

                outcome(histogram, Stopwatch.GetElapsedTime(begin), error);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => WorkerAsync(w))));
        return histograms;
    }
}
