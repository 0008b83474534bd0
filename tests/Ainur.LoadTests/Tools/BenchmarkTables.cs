using System.Globalization;
using System.Text;

namespace Ainur.LoadTests.Tools;

/// <summary>
/// <c>render FILE…</c>: BENCHMARKS.md tables from load tools' results files: every scenario of every file with its
/// throughput per core of the machine, then, for scenarios measured at more than one silo count, the scaling, then
/// which run each row came from (date, machine, commit, command). Render a standalone node's runs with
/// <c>--no-scaling</c> and a cluster's apart: one silo of each would otherwise be averaged together.
/// </summary>
internal static class BenchmarkTables
{
    public static string Render(IReadOnlyList<ResultsFile> runs, bool scaling)
    {
        var text = new StringBuilder()
            .AppendLine("| tool | scenario | silos | C | ops/s | ops/s per core | p50 ms | p90 ms | p99 ms | max ms | errors | run |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var (run, index) in runs.Select((r, i) => (r, i + 1)))
        {
            foreach (var s in run.Scenarios)
            {
                text.AppendLine(Invariant($"| {run.Tool} | {s.Scenario} | {run.Silos?.ToString(CultureInfo.InvariantCulture) ?? "?"} | {s.Concurrency} | {s.Throughput:F0} | {s.Throughput / run.Machine.Cores:F0} | {Ms(s.LatencyMs.P50)} | {Ms(s.LatencyMs.P90)} | {Ms(s.LatencyMs.P99)} | {Ms(s.LatencyMs.Max)} | {Errors(s)} | {index} |"));
            }
        }

        if (scaling)
        {
            AppendScaling(text, runs);
        }

        text.AppendLine().AppendLine("Runs:").AppendLine();
        foreach (var (run, index) in runs.Select((r, i) => (r, i + 1)))
        {
            text.AppendLine(Invariant(
                $"{index}. {run.Date.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {run.Target}; nproc {run.Machine.Cores}, {run.Machine.Cpu}, .NET {run.Machine.DotNet}; commit {Short(run.GitCommit)}; `{run.Command}`"));
        }

        return text.ToString();
    }

    /// <summary>One row per tool and scenario measured at several silo counts: ops/s at each, and each as a ratio to the fewest silos.</summary>
    private static void AppendScaling(StringBuilder text, IReadOnlyList<ResultsFile> runs)
    {
        var points = runs.Where(r => r.Silos is not null)
            .SelectMany(r => r.Scenarios.Select(s => (r.Tool, s.Scenario, Silos: r.Silos!.Value, s.Throughput, r.Machine.Cores)))
            .GroupBy(p => (p.Tool, p.Scenario))
            .Where(g => g.Select(p => p.Silos).Distinct().Count() > 1)
            .ToList();
        if (points.Count == 0)
        {
            return;
        }

        var counts = points.SelectMany(g => g.Select(p => p.Silos)).Distinct().Order().ToList();
        text.AppendLine().AppendLine("Scaling (ops/s; ÷ the fewest silos; per core of the machine):").AppendLine()
            .AppendLine("| tool | scenario | " + string.Join(" | ", counts.Select(c => c == 1 ? "1 silo" : $"{c} silos")) + " |")
            .AppendLine("|---|---|" + string.Concat(counts.Select(_ => "---:|")));
        foreach (var group in points)
        {
            // Several runs at one silo count: their mean.
            var at = group.GroupBy(p => p.Silos).ToDictionary(g => g.Key, g => (Rate: g.Average(p => p.Throughput), Cores: g.First().Cores));
            var baseline = at[at.Keys.Min()].Rate;
            var cells = counts.Select(c => at.TryGetValue(c, out var v) ? Invariant($"{v.Rate:F0} (×{v.Rate / baseline:F2}; {v.Rate / v.Cores:F0}/core)") : "—");
            text.AppendLine($"| {group.Key.Tool} | {group.Key.Scenario} | {string.Join(" | ", cells)} |");
        }
    }

    private static string Errors(ScenarioResult s) =>
        s.Errors == 0 ? "0" : Invariant($"{s.Errors} ({string.Join(", ", s.ErrorsByKind.Select(e => $"{e.Key} {e.Value}"))})");

    private static string Ms(double? ms) => ms is not { } value ? "—" : value.ToString(value < 1 ? "F3" : value < 100 ? "F1" : "F0", CultureInfo.InvariantCulture);

    private static string Short(string commit) => commit.Length > 12 && !commit.StartsWith("unknown", StringComparison.Ordinal) ? commit[..12] + (commit.EndsWith("+dirty", StringComparison.Ordinal) ? "+dirty" : "") : commit;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
