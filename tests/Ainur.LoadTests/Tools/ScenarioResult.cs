namespace Ainur.LoadTests.Tools;

/// <summary>Operations that ended in one second of a run (the last one may be partial).</summary>
internal sealed record SecondSample(int Second, long Done, long Errors);

/// <summary>Latency percentiles of the successful operations, in milliseconds (null when none succeeded).</summary>
internal sealed record LatencySummary(double? P50, double? P90, double? P99, double? Max);

/// <summary>What one scenario of a load tool did, as its results file keeps it.</summary>
internal sealed record ScenarioResult(
    string Scenario,
    string Description,
    int Concurrency,
    double Seconds,
    long Operations,
    long Errors,
    double Throughput,
    LatencySummary LatencyMs,
    SortedDictionary<string, long> ErrorsByKind,
    string? FirstError,
    IReadOnlyList<SecondSample> PerSecond)
{
    public static ScenarioResult From(
        string scenario, string description, int concurrency, TimeSpan elapsed, long done, long errors, LatencyHistogram latency,
        SortedDictionary<string, long> errorsByKind, string? firstError, IReadOnlyList<SecondSample> perSecond)
    {
        double? Ms(double q) => latency.Count == 0 ? null : Math.Round(latency.PercentileMicros(q) / 1000, 3);
        var summary = new LatencySummary(Ms(0.50), Ms(0.90), Ms(0.99), latency.Count == 0 ? null : latency.MaxMicros / 1000.0);
        return new ScenarioResult(scenario, description, concurrency, Math.Round(elapsed.TotalSeconds, 3), done, errors,
            Math.Round(done / elapsed.TotalSeconds, 1), summary, errorsByKind, firstError, perSecond);
    }
}
