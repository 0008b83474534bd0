using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ainur.Testing;
using Ainur.Testing.Processes;
using Npgsql;

namespace Ainur.Gateway.Tests.Load;

/// <summary>
/// The load tools of tests/Ainur.LoadTests (grain-load, http-load) run as processes, as BENCHMARKS.md runs them, for a
/// second per scenario against a node process: their results file must be well-formed, its counts must add up (per-second
/// samples, errors by kind) and match what the node stored (agents registered, tasks created), so the tools cannot rot
/// unnoticed between benchmark runs.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class LoadToolTests : IDisposable
{
    private const int Agents = 2;
    private static readonly string[] Scenarios = ["register", "transfers", "tasks"];

    private readonly string _folder = Directory.CreateTempSubdirectory("ainur-load-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact(Timeout = 300_000)]
    public async Task GrainLoad_EveryScenarioForASecond_WritesResultsThatMatchTheNode()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        var clusterId = $"load-{Guid.NewGuid():N}";
        var port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        await using var node = await GatewayProcess.StartStandaloneAsync(database, clusterId, new Dictionary<string, string?> { ["Ainur:Cluster:GatewayPort"] = port }, ct);

        using var results = await RunToolAsync(["grain-load", "--gateway-port", port, "--cluster-id", clusterId, "--service-id", clusterId], ct);

        AssertWellFormed(results.RootElement, "grain-load", silos: 1);
        await AssertNodeStoredAsync(database, results.RootElement, ct);
    }

    [Fact(Timeout = 300_000)]
    public async Task HttpLoad_EveryScenarioForASecond_WritesResultsThatMatchTheNode()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        await using var node = await GatewayProcess.StartStandaloneAsync(database, $"load-{Guid.NewGuid():N}", cancellationToken: ct);

        using var results = await RunToolAsync(["http-load", "--target", node.Address.ToString(), "--silos", "1"], ct);

        AssertWellFormed(results.RootElement, "http-load", silos: 1);
        await AssertNodeStoredAsync(database, results.RootElement, ct);
    }

    /// <summary>Runs the tool for one second per scenario, no warm-up (so the node holds exactly what was measured), and reads its results file.</summary>
    private async Task<JsonDocument> RunToolAsync(string[] args, CancellationToken ct)
    {
        var output = Path.Combine(_folder, args[0] + ".json");
        var dll = Path.Combine(BuiltNode.RepositoryRoot, "tests", "Ainur.LoadTests", "bin", BuiltNode.Configuration, "net10.0", "Ainur.LoadTests.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BuiltNode.RepositoryRoot };
        foreach (var arg in (string[])[dll, .. args, "--seconds", "1", "--warmup", "0", "--concurrency", "4", "--agents", Agents.ToString(CultureInfo.InvariantCulture), "--out", output])
        {
            start.ArgumentList.Add(arg);
        }

        using var tool = Process.Start(start)!;
        var stdout = tool.StandardOutput.ReadToEndAsync(ct);
        var stderr = tool.StandardError.ReadToEndAsync(ct);
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            limit.CancelAfter(TimeSpan.FromMinutes(3));
            try
            {
                await tool.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                tool.Kill(entireProcessTree: true);
                throw;
            }
        }

        var text = await stdout + await stderr;
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        Assert.True(tool.ExitCode == 0, $"{args[0]} exited with {tool.ExitCode}:\n{text}");
        // Progress: a line per second while a scenario runs (a one-second scenario may end before its first), and one at its end.
        Assert.Matches(@"\[\w+\] +1 s +done +\d+ +errors +\d+ +rate +\d+/s", text);
        foreach (var scenario in Scenarios)
        {
            Assert.Contains($"[{scenario}]   end  done", text, StringComparison.Ordinal);
        }

        return JsonDocument.Parse(await File.ReadAllTextAsync(output, ct));
    }

    private static void AssertWellFormed(JsonElement results, string tool, int silos)
    {
        Assert.Equal(tool, results.GetProperty("tool").GetString());
        Assert.Equal(silos, results.GetProperty("silos").GetInt32());
        Assert.Contains(tool, results.GetProperty("command").GetString(), StringComparison.Ordinal);
        Assert.InRange(results.GetProperty("date").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow);
        Assert.Matches("^([0-9a-f]{40}(\\+dirty)?|unknown)$", results.GetProperty("gitCommit").GetString());
        Assert.True(results.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
        Assert.False(string.IsNullOrWhiteSpace(results.GetProperty("machine").GetProperty("cpu").GetString()));

        var scenarios = results.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal(Scenarios, scenarios.Select(s => s.GetProperty("scenario").GetString()));
        foreach (var s in scenarios)
        {
            var name = s.GetProperty("scenario").GetString();
            var operations = s.GetProperty("operations").GetInt64();
            var errors = s.GetProperty("errors").GetInt64();
            Assert.True(operations > 0, $"{name}: nothing done");
            Assert.True(errors == 0, $"{name}: {errors} errors, first: {s.GetProperty("firstError")}");
            var perSecond = s.GetProperty("perSecond").EnumerateArray().ToList();
            Assert.Equal(operations, perSecond.Sum(p => p.GetProperty("done").GetInt64()));
            Assert.Equal(errors, perSecond.Sum(p => p.GetProperty("errors").GetInt64()));
            Assert.Equal(errors, s.GetProperty("errorsByKind").EnumerateObject().Sum(e => e.Value.GetInt64()));
            Assert.Equal(operations / s.GetProperty("seconds").GetDouble(), s.GetProperty("throughput").GetDouble(), 0.1 + (operations * 0.001));
            var latency = s.GetProperty("latencyMs");
            var percentiles = new[] { "p50", "p90", "p99", "max" }.Select(p => latency.GetProperty(p).GetDouble()).ToList();
            Assert.True(percentiles[0] > 0 && percentiles.SequenceEqual(percentiles.Order()), $"{name}: latencies {string.Join(", ", percentiles)}");
        }
    }

    /// <summary>Every agent registered (the register scenario's, and the task scenario's own agents) and every task is in the node's database.</summary>
    private static async Task AssertNodeStoredAsync(TestDatabase database, JsonElement results, CancellationToken ct)
    {
        long Operations(string scenario) =>
            results.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("scenario").GetString() == scenario).GetProperty("operations").GetInt64();

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var count = new NpgsqlCommand(
            "select (select count(*) from orleans_storage where grain_type = 'agent'), (select count(*) from ainur_grain_state where store = 'tasks')", connection);
        await using var row = await count.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        Assert.Equal(Operations("register") + Agents, row.GetInt64(0));
        Assert.Equal(Operations("tasks"), row.GetInt64(1));
    }
}
