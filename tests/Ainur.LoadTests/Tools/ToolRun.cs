namespace Ainur.LoadTests.Tools;

/// <summary>What both load tools share: running one scenario with the command line's settings, and writing the results file.</summary>
internal static class ToolRun
{
    public static async Task<ScenarioResult> RunScenarioAsync(ILoadScenario scenario, ToolOptions options)
    {
        var concurrency = options.Int("--concurrency", 32);
        Console.WriteLine($"[{scenario.Name}] setting up for {concurrency} workers: {scenario.Description}");
        var operation = await scenario.PrepareAsync(concurrency);
        var result = await LiveRunner.RunAsync(scenario.Name, scenario.Description, concurrency, options.Seconds("--warmup", 2), options.Seconds("--seconds", 10), operation, Console.Out);
        Console.WriteLine(FormattableString.Invariant(
            $"[{scenario.Name}] {result.Throughput:F1}/s, p50 {result.LatencyMs.P50} ms, p99 {result.LatencyMs.P99} ms, {result.Operations} done, {result.Errors} errors{(result.FirstError is { } e ? " (first: " + e + ")" : "")}"));
        return result;
    }

    /// <summary>Writes the results file (<c>--out</c>, default <c>load-results/&lt;tool&gt;-&lt;time&gt;.json</c>).</summary>
    public static async Task<int> FinishAsync(ToolOptions options, string tool, string target, int? silos, IReadOnlyList<ScenarioResult> results)
    {
        var date = DateTimeOffset.UtcNow;
        var path = options.String("--out") ?? Path.Combine("load-results", $"{tool}-{date:yyyyMMdd-HHmmss}.json");
        var file = new ResultsFile(tool, target, silos, RunInfo.Command(options.Args), date, RunInfo.GitCommit(), RunInfo.Machine(), results);
        await file.WriteAsync(path);
        Console.WriteLine($"results: {Path.GetFullPath(path)}");
        return 0;
    }
}
