using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Fault;

/// <summary>
/// The fault suite: three silo processes and two gateway processes under steady task load (<see cref="FaultLoad"/>),
/// one fault per test. Each test starts from full service, runs the load a few seconds, injects its fault and heals it
/// as a supervisor would (a killed process is started again, a stopped server restarted), waits until the cluster is
/// back to full service, lets the load run on a little, stops it and checks the invariants (<see cref="FaultChecks"/>).
/// It prints the time from the fault to full service again, and the longest time clients waited for a 202 from the
/// fault on. The tests share one cluster (starting one costs seconds on two cores) and run in any order: each leaves
/// the cluster at full service, and the ledger is checked against every task any of them made.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class ClusterFaultTests(FaultClusterFixture fixture) : IClassFixture<FaultClusterFixture>
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AfterRecovery = TimeSpan.FromSeconds(2);

    [Fact(Timeout = 180_000)]
    public Task KillNineOfASilo_LosesNoAcknowledgedTask_AndTheClusterRecovers() =>
        RunAsync("kill -9 of a silo", async ct =>
        {
            var (victim, validators) = (await ValidatorsPerSiloAsync(ct)).MinBy(s => s.Validators);
            return await KillAndReplaceAsync(victim, validators, ct);
        }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 180_000)]
    public Task KillNineOfTheSiloHoldingMostValidators_LosesNoAcknowledgedTask_AndTheLedgerRecovers() =>
        RunAsync("kill -9 of the silo holding most validators", async ct =>
        {
            var (victim, validators) = (await ValidatorsPerSiloAsync(ct)).MaxBy(s => s.Validators);
            return await KillAndReplaceAsync(victim, validators, ct);
        }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 180_000)]
    public Task RestartOfPostgres_LosesNoAcknowledgedTask_AndTheClusterRecovers() =>
        RunAsync("PostgreSQL restart", async ct =>
        {
            var down = Stopwatch.StartNew();
            await fixture.Postgres.StopAsync(ct);
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            await fixture.Postgres.StartAsync(ct);
            return $"PostgreSQL down {Seconds(down.Elapsed)} (stop -m fast, 3 s, start)";
        }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 180_000)]
    public Task StopOfAGateway_LosesNoAcknowledgedTask_AndTheClusterRecovers() =>
        RunAsync("stop of a gateway", async ct =>
        {
            var stopping = Stopwatch.StartNew();
            fixture.Gateway(1).Node.Stop();
            var stopped = stopping.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            await fixture.Cluster.ReplaceGatewayAsync(1, ct);
            return $"gateway 1 stopped by SIGTERM in {Seconds(stopped)}, down 3 s, started again";
        }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 180_000)]
    public Task PauseOfASiloPastTheMembershipTimeout_LosesNoAcknowledgedTask_AndTheClusterRecovers() =>
        RunAsync("SIGSTOP of a silo past the membership timeout", async ct =>
        {
            var victim = (await ValidatorsPerSiloAsync(ct)).MinBy(s => s.Validators).Index;
            var silo = fixture.Cluster.Silos[victim];
            silo.Pause();
            var dead = await WaitUntilDeclaredDeadAsync(victim, ct);
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            silo.Resume();

            // Declared dead, it learns so from the membership table once it runs again, and stops itself.
            var resumed = Stopwatch.StartNew();
            await WaitAsync(() => Task.FromResult(silo.HasExited), TimeSpan.FromSeconds(30), "the resumed silo to stop itself", ct);
            var exited = resumed.Elapsed;
            await fixture.Cluster.ReplaceSiloAsync(victim, ct);
            return $"silo {victim} paused, declared dead after {Seconds(dead)}, resumed 2 s later, stopped itself {Seconds(exited)} after, replaced";
        }, TestContext.Current.CancellationToken);

    private async Task RunAsync(string name, Func<CancellationToken, Task<string>> fault, CancellationToken ct)
    {
        var output = TestContext.Current.TestOutputHelper!;
        // Full service first (its probe tasks need the load's agents), then the load runs a while before the fault.
        var clock = Stopwatch.StartNew();
        await using var load = FaultLoad.Start(fixture, clock);
        await fixture.WaitForFullServiceAsync(RecoveryLimit, ct);
        await Task.Delay(Warmup, ct);
        var faultAt = clock.Elapsed;
        var what = await fault(ct);
        await fixture.WaitForFullServiceAsync(RecoveryLimit, ct);
        var recovered = clock.Elapsed - faultAt;
        await Task.Delay(AfterRecovery, ct);
        var submissions = await load.StopSubmittingAsync();

        // The longest stretch from the fault on in which no submission was acknowledged.
        var acknowledged = submissions.Where(s => s.Acknowledged && s.Answered > faultAt).Select(s => s.Answered).Prepend(faultAt).Append(clock.Elapsed).ToList();
        var gap = acknowledged.Zip(acknowledged.Skip(1), (a, b) => b - a).Max();
        output.WriteLine($"{name}: {what}; full service again {Seconds(recovered)} after the fault; longest wait for a 202 from the fault on {Seconds(gap)}");

        var summary = await FaultChecks.AssertAsync(fixture, submissions, ct);
        output.WriteLine($"{name}: {summary}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fault-recovery | {name} | {recovered.TotalSeconds:F1} s | {gap.TotalSeconds:F1} s |"));
    }

    /// <summary>SIGKILL of silo <paramref name="victim"/>; once it is declared dead, a fresh silo in its place.</summary>
    private async Task<string> KillAndReplaceAsync(int victim, int validators, CancellationToken ct)
    {
        fixture.Cluster.Silos[victim].KillHard();
        var dead = await WaitUntilDeclaredDeadAsync(victim, ct);
        await fixture.Cluster.ReplaceSiloAsync(victim, ct);
        return $"silo {victim} (running {validators} of 4 validators) declared dead after {Seconds(dead)}, replaced";
    }

    /// <summary>How many validators each silo runs now (from <c>GET /v1/ledger/validators</c>), by the silo's index.</summary>
    private async Task<List<(int Index, int Validators)>> ValidatorsPerSiloAsync(CancellationToken ct)
    {
        using var view = JsonDocument.Parse(await fixture.Http.GetStringAsync(new Uri(fixture.Gateway(0).Address, "/v1/ledger/validators"), ct));
        var silos = view.RootElement.GetProperty("validators").EnumerateArray().Select(v => v.GetProperty("silo").GetString()!).ToList();

        // A silo's identity reads S127.0.0.1:<silo port>:<generation>.
        return [.. Enumerable.Range(0, FaultClusterFixture.SiloCount)
            .Select(i => (i, silos.Count(s => s.Split(':')[1] == fixture.Cluster.SiloPort(i).ToString(CultureInfo.InvariantCulture))))];
    }

    /// <summary>Waits until the membership table no longer lists silo <paramref name="victim"/> as active; returns how long that took.</summary>
    private async Task<TimeSpan> WaitUntilDeclaredDeadAsync(int victim, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        await WaitAsync(
            async () => await ClusterMembership.CountActiveAsync(fixture.ConnectionString, fixture.ClusterId, ct) == FaultClusterFixture.SiloCount - 1,
            TimeSpan.FromSeconds(30),
            $"silo {victim} declared dead",
            ct);
        return started.Elapsed;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan limit, string what, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(started.Elapsed < limit, $"waited {limit.TotalSeconds:F0} s for {what}");
            await Task.Delay(100, ct);
        }
    }

    private static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:F1} s");
}
