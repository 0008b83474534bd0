using System.Globalization;
using System.Text;

namespace Ainur.LoadTests;

/// <summary>Markdown output: one table per bench, every phase also as a ratio to the first (the baseline).</summary>
internal static class Report
{
    public static string Table(string unit, IReadOnlyList<PhaseResult> phases)
    {
        var baseline = phases[0];
        var table = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"| phase | {unit}/s | p50 ms | p99 ms | max ms | errors | {unit}/s ÷ baseline | p50 ÷ baseline |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in phases)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Name} | {p.PerSecond:F0} | {Ms(p.P50Ms)} | {Ms(p.P99Ms)} | {p.MaxMs:F1} | {p.Errors} | {p.PerSecond / baseline.PerSecond:F3} | {Ratio(p.P50Ms / baseline.P50Ms)} |");
        }

        foreach (var p in phases.Where(p => p.FirstError is not null))
        {
            table.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"first error in '{p.Name}': {p.FirstError}");
        }

        return table.ToString();
    }

    // Sub-millisecond latencies keep microsecond digits (the histogram is exact below 64 µs, ~1.6% above).
    private static string Ms(double ms) => ms.ToString(ms < 1 ? "F3" : "F2", CultureInfo.InvariantCulture);

    private static string Ratio(double ratio) => ratio.ToString(ratio < 100 ? "F1" : "F0", CultureInfo.InvariantCulture);

    public static string Operations(PhaseResult p) =>
        string.Create(CultureInfo.InvariantCulture, $"{p.Operations} operations in {p.Elapsed.TotalSeconds:F1} s");
}
