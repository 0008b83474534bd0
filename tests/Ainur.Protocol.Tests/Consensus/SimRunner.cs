using System.Globalization;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>
/// Runs many seeded schedules and reports every failing seed with a replay line. Replay one schedule with
/// <c>AINUR_SIM_SEED=&lt;seed&gt;</c> (each selected test runs only that seed; select the test with <c>-method</c>); add <c>AINUR_SIM_TRACE=1</c>
/// to get the end of the event trace in the failure message, or <c>AINUR_SIM_TRACE=&lt;file&gt;</c> to write all of it there.
/// <c>AINUR_SIM_OFFSET=&lt;n&gt;</c> shifts every seed by n, to explore schedules CI does not run.
/// </summary>
internal static class SimRunner
{
    /// <summary>After the network and validators behave again, every transaction must be final within this (virtual ms).</summary>
    public const long LivenessBound = 30_000;

    // Per test (schedules run synchronously on the test's thread): the slowest finality after GST, and decisions seen.
    [ThreadStatic]
    private static (long SlowestAfterStable, long Decisions) _stats;

    /// <summary>Records one live schedule: how long after GST its last transaction became final everywhere, and its decisions.</summary>
    public static void Record(long afterStable, long decisions) =>
        _stats = (Math.Max(_stats.SlowestAfterStable, afterStable), _stats.Decisions + decisions);

    /// <summary>
    /// Runs <paramref name="schedule"/> for each seed; it returns null on success or what went wrong. Fails the test
    /// with every failing seed. Returns the schedules run.
    /// </summary>
    public static int Run(string test, IEnumerable<int> seeds, Func<int, Action<string>?, string?> schedule)
    {
        var replay = Environment.GetEnvironmentVariable("AINUR_SIM_SEED");
        var traceTo = replay is null ? null : Environment.GetEnvironmentVariable("AINUR_SIM_TRACE");
        var traced = !string.IsNullOrEmpty(traceTo);
        var offset = int.Parse(Environment.GetEnvironmentVariable("AINUR_SIM_OFFSET") ?? "0", CultureInfo.InvariantCulture);
        var chosen = replay is null
            ? [.. seeds.Select(s => s + offset)]
            : new List<int> { int.Parse(replay, CultureInfo.InvariantCulture) };
        var failures = new List<string>();
        _stats = default;
        foreach (var seed in chosen)
        {
            var trace = traced ? new List<string>() : null;
            string? failure;
            try
            {
                failure = schedule(seed, trace is null ? null : trace.Add);
            }
            catch (SimViolation violation)
            {
                failure = violation.Message;
            }

            if (trace is not null && traceTo != "1")
            {
                File.WriteAllLines(traceTo!, trace);
            }

            if (failure is not null)
            {
                failures.Add($"seed {seed}: {failure}\n  replay: AINUR_SIM_SEED={seed} dotnet run --project tests/Ainur.Protocol.Tests -- -method '*{test}' (AINUR_SIM_TRACE=1 adds the trace)"
                    + (trace is null ? string.Empty : "\n" + string.Join('\n', trace.TakeLast(400))));
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{chosen.Count} schedules, {_stats.Decisions} decisions by honest validators, last transaction final at most {_stats.SlowestAfterStable} ms after GST");
        Assert.True(failures.Count == 0, $"{failures.Count} of {chosen.Count} schedules failed:\n" + string.Join('\n', failures.Take(10)));
        return chosen.Count;
    }
}
