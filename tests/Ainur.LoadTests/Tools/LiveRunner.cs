using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Ainur.LoadTests.Tools;

/// <summary>
/// The load tools' closed loop: C workers call one operation until the time is up, while a line per second says what
/// was done (successes, errors, the rate of that second). Latencies are of successful operations only; every failure is
/// counted by kind. The loop is <see cref="ClosedLoop"/>'s: every started operation is counted once.
/// </summary>
internal static class LiveRunner
{
    /// <summary>A discarded warm-up (with its own progress lines), then the measured run.</summary>
    public static async Task<ScenarioResult> RunAsync(
        string scenario, string description, int concurrency, TimeSpan warmUp, TimeSpan duration, LoadOperation operation, TextWriter progress)
    {
        if (warmUp > TimeSpan.Zero)
        {
            await MeasureAsync(scenario + " (warm-up)", description, concurrency, warmUp, operation, progress, iterationBase: 1L << 50);
        }

        return await MeasureAsync(scenario, description, concurrency, duration, operation, progress, iterationBase: 0);
    }

    private static async Task<ScenarioResult> MeasureAsync(
        string scenario, string description, int concurrency, TimeSpan duration, LoadOperation operation, TextWriter progress, long iterationBase)
    {
        var errorsByKind = new ConcurrentDictionary<string, long>();
        string? firstError = null;
        long done = 0, errors = 0;
        var samples = new List<SecondSample>();
        var started = Stopwatch.GetTimestamp();
        var workers = ClosedLoop.RunAsync(started, concurrency, duration, iterationBase, operation, (latency, took, error) =>
        {
            if (error is null)
            {
                latency.Record((long)took.TotalMicroseconds);
                Interlocked.Increment(ref done);
            }
            else
            {
                errorsByKind.AddOrUpdate(LoadFailure.KindOf(error), 1, (_, n) => n + 1);
                Interlocked.CompareExchange(ref firstError, $"{error.GetType().Name}: {error.Message}", null);
                Interlocked.Increment(ref errors);
            }
        });
        long reportedDone = 0, reportedErrors = 0;
        void Sample(double at, bool last)
        {
            var (d, e) = (Interlocked.Read(ref done), Interlocked.Read(ref errors));
            var second = samples.Count + 1;
            var span = at - (second - 1);
            samples.Add(new SecondSample(second, d - reportedDone, e - reportedErrors));

            // The last sample is what finished after the time was up, often in a fraction of a second: no rate for it.
            var rate = last ? "(in-flight operations finishing)" : string.Create(CultureInfo.InvariantCulture, $"rate {(d - reportedDone) / span,8:F0}/s");
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{scenario}] {(last ? "end" : $"{second} s"),5}  done {d,8}  errors {e,5}  {rate}"));
            (reportedDone, reportedErrors) = (d, e);
        }

        while (await Task.WhenAny(workers, Task.Delay(NextSecond(started, samples.Count))) != workers)
        {
            Sample(Stopwatch.GetElapsedTime(started).TotalSeconds, last: false);
        }

        var histograms = await workers;
        var elapsed = Stopwatch.GetElapsedTime(started);
        Sample(elapsed.TotalSeconds, last: true); // the samples add up to the totals
        var latency = LatencyHistogram.Merge(histograms);

        return ScenarioResult.From(scenario, description, concurrency, elapsed, done, errors, latency,
            new SortedDictionary<string, long>(errorsByKind, StringComparer.Ordinal), firstError, samples);
    }

    // Until the next whole second since the start, so the samples stay on second boundaries however long printing took.
    private static TimeSpan NextSecond(long started, int sampled)
    {
        var due = TimeSpan.FromSeconds(sampled + 1) - Stopwatch.GetElapsedTime(started);
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }
}
