using System.Globalization;
using Ainur.LoadTests;
using Ainur.Testing;
using Npgsql;

// Benchmarks of one Ainur node; bench.sh runs them against a durable (fsync on) PostgreSQL. Not run by CI.
//   dotnet run -c Release --project tests/Ainur.LoadTests -- http|grainwrites|ledger|storage [--seconds N] [--concurrency C] [--warmup N]
//   ledger also takes [--validators N] [--max-block B] [--batch-wait-ms T]; storage takes [--grains N] [--payload B] [--passes P] instead of --concurrency;
//   tasks also takes [--agents N] [--budget-only] [--agent-baseline] (adds budgets with agents taking one item per request)
//   [--on-result] (adds budgets with clients submitting accept: "on-result" instead of accepting each result)
//   [--rate R] (the open loop offers R tasks/s instead of 80% of the closed loop's maximum: latencies of two builds compare at one rate);
//   [--alloc-types] (prints the types allocated in the closed loop, sampled from the runtime's allocation ticks);
//   tasks and wasm-tasks take [--until-warm]: after --warmup, warm up on until the JIT has all but stopped (see WarmUp);
// The load tools against a running node or cluster (grain-load, http-load, render): see Tools/ToolCommands.cs.
//   discovery takes [--agents N] (default 100000) [--registrations R] [--concurrency C] [--vectors FILE]: see DiscoveryBench.
//   wasm-tasks takes [--agents N] (hosted echo agents; tasks paid from budgets, executed and verified by the node);
//   vouchers takes [--validators N] [--batch S] [--window W]; blocks takes [--validators N] and offers transfers at 200, 1000 and 3000/s
if (args.Length > 0 && Ainur.LoadTests.Tools.ToolCommands.Handles(args[0]))
{
    return await Ainur.LoadTests.Tools.ToolCommands.RunAsync(args);
}

if (args.Length == 0 || args[0] is not ("http" or "grainwrites" or "ledger" or "storage" or "tasks" or "vouchers" or "blocks" or "discovery" or "wasm-tasks"))
{
    Console.Error.WriteLine("usage: Ainur.LoadTests http|grainwrites|ledger|storage|tasks|vouchers|blocks|discovery|wasm-tasks [--seconds N] [--concurrency C] [--warmup N] [--validators N] [--max-block B] [--batch-wait-ms T] [--grains N] [--payload B] [--passes P] [--agents N]");
    Console.Error.WriteLine($"PostgreSQL: {PostgresTestServer.EnvironmentVariable} (admin connection string; bench.sh sets it to scripts/pg.sh's bench instance)");
    return 2;
}

var seconds = Option("--seconds", 10);
var concurrency = Option("--concurrency", 32);
var warmUp = Option("--warmup", 2);
var untilWarm = args.Contains("--until-warm");

await PostgresTestServer.EnsureReachableAsync();
Console.WriteLine(await MachineLineAsync());
Console.WriteLine();
if (args[0] == "http")
{
    await HttpBench.RunAsync(concurrency, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(warmUp));
}
else if (args[0] == "grainwrites")
{
    await GrainWritesBench.RunAsync(concurrency, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(warmUp));
}
else if (args[0] == "storage")
{
    await StorageBench.RunAsync(Option("--grains", 1000), Option("--payload", 512), Option("--passes", 2), TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(warmUp));
}
else if (args[0] == "tasks")
{
    await TaskBench.RunAsync(concurrency, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(warmUp), untilWarm, Option("--rate", 0), Option("--agents", 8), args.Contains("--budget-only"), args.Contains("--agent-baseline"), args.Contains("--on-result"), args.Contains("--alloc-types"));
}
else if (args[0] == "wasm-tasks")
{
    await WasmTaskBench.RunAsync(concurrency, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(warmUp), untilWarm, Option("--agents", 8));
}
else if (args[0] == "vouchers")
{
    await VoucherBench.VouchersAsync(Option("--validators", 4), TimeSpan.FromSeconds(seconds), Option("--batch", 256), Option("--window", 8));
}
else if (args[0] == "discovery")
{
    var vectors = Array.IndexOf(args, "--vectors") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    await DiscoveryBench.RunAsync(Option("--agents", 100_000), Option("--registrations", 1000), Option("--concurrency", 8), vectors);
}
else if (args[0] == "blocks")
{
    await VoucherBench.BlocksAsync(Option("--validators", 4), TimeSpan.FromSeconds(seconds), [200, 1000, 3000]);
}
else
{
    LedgerBench.Profile();
    await LedgerBench.RunAsync(Option("--validators", 4), concurrency, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(warmUp),
        Option("--max-block", 2000), Option("--batch-wait-ms", 2));
}

return 0;

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

async Task<string> MachineLineAsync()
{
    var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    var server = new NpgsqlConnectionStringBuilder(PostgresTestServer.AdminConnectionString);
    await using var connection = new NpgsqlConnection(PostgresTestServer.AdminConnectionString);
    await connection.OpenAsync();
    await using var show = new NpgsqlCommand("select version(), current_setting('fsync'), current_setting('synchronous_commit')", connection);
    await using var row = await show.ExecuteReaderAsync();
    await row.ReadAsync();
    var version = row.GetString(0).Split(' ', 3)[1];
    return string.Create(CultureInfo.InvariantCulture,
        $"Machine: nproc {Environment.ProcessorCount}, {cpu}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}; " +
        $"PostgreSQL {version} at {server.Host}:{server.Port} (fsync {row.GetString(1)}, synchronous_commit {row.GetString(2)}); " +
        $"command: dotnet run -c Release --project tests/Ainur.LoadTests -- {string.Join(' ', args)}");
}
