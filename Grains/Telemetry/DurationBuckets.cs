using System.Diagnostics.Metrics;

namespace Ainur.Grains.Telemetry;

/// <summary>
/// Bucket boundaries for histograms of durations in seconds: 1 ms to 1 h in 1-2-5 steps, so a millisecond-scale
/// latency and an hour-long task are both resolved. Without them OpenTelemetry's defaults (0, 5, 10, … 10000), made
/// for milliseconds, put every sub-second duration in one bucket.
/// </summary>
public static class DurationBuckets
{
    /// <summary>The boundaries, in seconds.</summary>
    public static IReadOnlyList<double> Boundaries { get; } =
        [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600];

    /// <summary>The advice to create a seconds histogram with.</summary>
    public static InstrumentAdvice<double> Seconds { get; } = new() { HistogramBucketBoundaries = Boundaries };
}
