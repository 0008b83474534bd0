using System.Diagnostics;
using System.Globalization;

namespace Ainur.LoadTests;

/// <summary>
/// The warm-up before a measured phase: the fixed <c>--warmup</c>, then with <c>--until-warm</c> more of the same load in
/// slices until the JIT has all but stopped, so the phase measures a node that has run a while rather than one still
/// compiling (on 2 busy cores tiering goes on for minutes, and a short warm-up charges that compiling to every task).
/// </summary>
internal static class WarmUp
{
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(180);

    // Methods compiled per slice below which the node counts as warm (tens of thousands are compiled on the way there).
    private const int SettledMethods = 50;

    /// <summary>Runs the warm-up; returns a line saying how long it took and what the JIT did in its last slice.</summary>
    public static async Task<string> RunAsync(string name, int concurrency, TimeSpan warmUp, bool untilWarm, LoadOperation operation)
    {
        var started = Stopwatch.StartNew();
        await LoadRunner.RunAsync(name + " (warm-up)", concurrency, warmUp, operation);
        var compiled = -1L;
        while (untilWarm && started.Elapsed < Longest)
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            await LoadRunner.RunAsync(name + " (warm-up)", concurrency, Slice, operation);
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
            if (compiled < SettledMethods)
            {
                break;
            }
        }

        return compiled < 0
            ? string.Create(CultureInfo.InvariantCulture, $"warm-up {started.Elapsed.TotalSeconds:F0} s (fixed)")
            : string.Create(CultureInfo.InvariantCulture,
                $"warm-up {started.Elapsed.TotalSeconds:F0} s (until fewer than {SettledMethods} methods were compiled in {Slice.TotalSeconds:F0} s; last slice {compiled})");
    }
}
