namespace Ainur.Protocol.Tests.Consensus;

/// <summary>
/// Random schedules over the simulator: with at most f Byzantine validators, any loss, duplication, reordering, delay,
/// partition and outage, no two honest validators ever decide different blocks at one height and every certificate
/// verifies; once the network and validators behave (GST), every submitted transaction is final everywhere within
/// <see cref="SimRunner.LivenessBound"/>. Seeds are fixed so CI is reproducible; a failure prints its seed.
/// </summary>
public sealed class FourValidatorScheduleTests
{
    [Fact]
    public void RandomSchedules_FourValidators_SafeAndLive() =>
        SimRunner.Run(nameof(RandomSchedules_FourValidators_SafeAndLive), Enumerable.Range(0, 400), (seed, trace) =>
            SafeAndLive(SimScenarios.Random(new Random(seed), 4, outages: null), seed, trace));

    internal static string? SafeAndLive(SimOptions options, int seed, Action<string>? trace)
    {
        var net = new SimNetwork(options, seed, trace);
        if (!net.Run(options.Stable + SimRunner.LivenessBound, net.AllFinal))
        {
            var lagging = net.Nodes.Where(n => n.Faults == Byzantine.None && n.FinalCount < options.Submissions.Length)
                .Select(n => $"v{n.Index} at h{n.State.Height} r{n.State.Round} {n.State.Step} with {n.FinalCount} final");
            return $"not live by {net.Now} ms (stable at {options.Stable}): {string.Join(", ", lagging)}; {options.Describe()}";
        }

        SimRunner.Record(net.Now - options.Stable, net.Monitor.Decisions);
        return null;
    }
}

public sealed class SevenValidatorScheduleTests
{
    [Fact]
    public void RandomSchedules_SevenValidators_SafeAndLive() =>
        SimRunner.Run(nameof(RandomSchedules_SevenValidators_SafeAndLive), Enumerable.Range(10_000, 250), (seed, trace) =>
            FourValidatorScheduleTests.SafeAndLive(SimScenarios.Random(new Random(seed), 7, outages: null), seed, trace));
}

/// <summary>Honest validators crash right after persisting their guard and restart from it, or are cut off by a switch.</summary>
public sealed class OutageScheduleTests
{
    [Fact]
    public void RandomSchedules_WithCrashRestarts_NeverDoubleSignAndStayLive() =>
        SimRunner.Run(nameof(RandomSchedules_WithCrashRestarts_NeverDoubleSignAndStayLive), Enumerable.Range(20_000, 150), (seed, trace) =>
            FourValidatorScheduleTests.SafeAndLive(SimScenarios.Random(new Random(seed), seed % 2 == 0 ? 4 : 7, OutageKind.Crash), seed, trace));

    [Fact]
    public void RandomSchedules_WithIsolatedValidators_SafeAndLive() =>
        SimRunner.Run(nameof(RandomSchedules_WithIsolatedValidators_SafeAndLive), Enumerable.Range(25_000, 50), (seed, trace) =>
            FourValidatorScheduleTests.SafeAndLive(SimScenarios.Random(new Random(seed), seed % 2 == 0 ? 4 : 7, OutageKind.Isolate), seed, trace));
}

/// <summary>Two of four validators silent: more than f, so nothing may be finalized and nothing may fork; when they return the chain resumes.</summary>
public sealed class SilentMajorityTests
{
    [Fact]
    public void TwoOfFourSilentFromStart_NothingDecided_ThenChainResumes() =>
        SimRunner.Run(nameof(TwoOfFourSilentFromStart_NothingDecided_ThenChainResumes), Enumerable.Range(30_000, 75), (seed, trace) =>
            SilentThenBack(seed, from: 0, trace));

    [Fact]
    public void TwoOfFourSilentMidway_AtMostTheInFlightHeightDecided_ThenChainResumes() =>
        SimRunner.Run(nameof(TwoOfFourSilentMidway_AtMostTheInFlightHeightDecided_ThenChainResumes), Enumerable.Range(31_000, 75), (seed, trace) =>
            SilentThenBack(seed, from: 1000, trace));

    private static string? SilentThenBack(int seed, long from, Action<string>? trace)
    {
        var options = SimScenarios.TwoOfFourSilent(new Random(seed), from);
        var net = new SimNetwork(options, seed, trace);
        net.Run(from, () => false);
        var before = net.Monitor.HighestDecided;
        var back = options.Outages[0].Until;
        net.Run(back - 1, () => false);

        // Quorums need one of the silent two: only a height whose precommits were already in flight can still finish.
        var allowed = from == 0 ? 0 : before + 1;
        if (net.Monitor.HighestDecided > allowed)
        {
            return $"height {net.Monitor.HighestDecided} decided while two of four were silent (before: {before}); {options.Describe()}";
        }

        if (!net.Run(options.Stable + SimRunner.LivenessBound, net.AllFinal))
        {
            return $"chain did not resume after the silent validators came back; {options.Describe()}";
        }

        SimRunner.Record(net.Now - options.Stable, net.Monitor.Decisions);
        return null;
    }
}
