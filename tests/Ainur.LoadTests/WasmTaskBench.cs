using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Ainur.Grains.Interfaces.Runtime;
using Ainur.Grains.Runtime;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Silo.Ledger;
using Ainur.Testing;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;
using Ainur.Testing.Wasm;
using Microsoft.Extensions.DependencyInjection;
using Wasmtime;

namespace Ainur.LoadTests;

/// <summary>
/// Hosted tasks end to end on one standalone node (durable PostgreSQL): the echo module's tasks, paid from budgets by
/// vouchers, submitted over signed HTTP by C clients in this process; each task is executed, re-executed (on the same
/// silo: there is one), completed and settled by the node with nobody else involved. A closed loop finds the maximum
/// (settled tasks/s), then an open loop at 80% of it measures submit -> complete and submit -> settled. In the same run:
/// the executor's cost per call against a bare Wasmtime instantiate-and-call of the same module and input.
/// </summary>
internal static class WasmTaskBench
{
    private const string Capability = "bench.wasm-echo";
    private const long Price = 10;
    private const int OverheadCalls = 20_000;

    public static async Task RunAsync(int concurrency, TimeSpan duration, TimeSpan warmUp, bool untilWarm, int agentCount)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var node = await InProcessGateway.StartStandaloneAsync(database, new Dictionary<string, string?>
        {
            ["Ainur:Gateway:PerIp:PerSecond"] = "0",
            ["Ainur:Gateway:PerDid:PerSecond"] = "0",
        });
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 4 * concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = node.Address, Timeout = TimeSpan.FromMinutes(2) };

        var module = WasmExamples.Bytes(WasmExamples.Echo);
        var uploader = AgentKey.Generate();
        await TaskBench.SendAsync(http, RequestSigner.SignedBytes(uploader, http.BaseAddress!, HttpMethod.Put, "/v1/modules", module, "application/wasm"), HttpStatusCode.Created);
        await Parallel.ForEachAsync(Enumerable.Range(0, agentCount), async (_, _) => await EnlistAsync(http, AgentKey.Generate(), Blake2b.Content(module)));
        var clients = new TaskBenchClient[concurrency];
        await Parallel.ForEachAsync(Enumerable.Range(0, concurrency), async (i, _) => clients[i] = await TaskBenchClient.CreateAsync(http, budget: true));

        var recent = new ConcurrentQueue<Hash32>();
        LoadOperation operation = async (worker, _) =>
        {
            var (id, _, _) = await clients[worker].RunHostedTaskAsync(Capability, Price);
            recent.Enqueue(id);
            while (recent.Count > 200 && recent.TryDequeue(out Hash32 _))
            {
            }
        };
        const string name = "hosted echo, budget vouchers";
        var warmed = await WarmUp.RunAsync(name, concurrency, warmUp, untilWarm, operation);
        var postmaster = await ProcessCpu.PostmasterAsync(database.ConnectionString);
        var cpu = ProcessCpu.Now(postmaster);
        var (jitted, jitTime) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
        // On stderr, so a profiler attached to this process can take the measured window alone (BENCHMARKS.md).
        Console.Error.WriteLine($"closed loop starts {DateTime.UtcNow:O}");
        var closed = await LoadRunner.RunAsync(name, concurrency, duration, operation, iterationBase: 1L << 40);
        Console.Error.WriteLine($"closed loop ends {DateTime.UtcNow:O}");
        var cpuAfter = ProcessCpu.Now(postmaster);
        // A node that goes on compiling methods is not warm (tiering, or code generated per request): say how much.
        var jit = string.Create(CultureInfo.InvariantCulture,
            $"{warmed}; JIT during the closed loop: {System.Runtime.JitInfo.GetCompiledMethodCount() - jitted} methods compiled, {(System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds:F0} ms compiling");
        var settled = Math.Max(1, closed.Operations);
        var paced = await PacedRunner.RunAsync(name, 0.8 * closed.PerSecond, duration, async i =>
        {
            var (_, complete, done) = await clients[i % clients.Length].RunHostedTaskAsync(Capability, Price);
            return (complete, done);
        });
        var steps = await TaskBench.StepTimesAsync(http, recent);
        var overhead = await OverheadAsync(node.Services, module);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"### wasm-tasks — C = {concurrency} clients, {agentCount} hosted echo agents, {duration.TotalSeconds:F0} s after {warmUp.TotalSeconds:F0} s warm-up"));
        Console.WriteLine();
        Console.WriteLine("Closed loop (maximum; latency submit -> settled):");
        Console.WriteLine();
        Console.Write(Report.Table("task", [closed]));
        Console.WriteLine();
        Console.WriteLine("Open loop at 80% of the maximum:");
        Console.WriteLine();
        Console.WriteLine("| offered/s | settled/s | complete p50 ms | complete p99 ms | settled p50 ms | settled p99 ms | errors |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {paced.Offered:F0} | {paced.SettledPerSecond:F0} | {paced.Complete(0.5):F1} | {paced.Complete(0.99):F1} | {paced.Settled(0.5):F1} | {paced.Settled(0.99):F1} | {paced.Errors} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU per settled task (closed loop): {(cpuAfter.Machine - cpu.Machine).TotalMilliseconds / settled:F2} ms (node + clients {(cpuAfter.Node - cpu.Node).TotalMilliseconds / settled:F2} ms, PostgreSQL {(cpuAfter.Postgres - cpu.Postgres).TotalMilliseconds / settled:F2} ms); {cpuAfter.Since(cpu)}"));
        Console.WriteLine($"Mean time per step (server clock, last tasks): {steps}");
        Console.WriteLine(jit);
        Console.WriteLine(overhead);
        Console.WriteLine();
    }

    private static async Task EnlistAsync(HttpClient http, AgentKey agent, Hash32 module)
    {
        await TaskBench.SendAsync(http, TaskBench.Post(agent, http, "/v1/faucet", "{}"), HttpStatusCode.OK);
        var stake = SignedTransaction.Sign(new Stake(agent.Did, 100, 1), agent, LedgerSetup.DevelopmentChainId);
        await TaskBench.SendAsync(http, TaskBench.Post(agent, http, "/v1/stake", JsonSerializer.Serialize(new { transaction = Convert.ToBase64String(stake.Encoded.Span) })), HttpStatusCode.OK);
        var manifest = $$$"""{"name":"bench-wasm","version":"1.0.0","capabilities":[{"id":"{{{Capability}}}","description":"Echoes its input.","price":{{{Price}}},"deterministic":true,"inputSchema":{"type":"object"},"outputSchema":{"type":"object"}}],"runtime":{"kind":"wasm","moduleHash":"{{{module}}}"}}""";
        await TaskBench.SendAsync(http, TaskBench.Post(agent, http, "/v1/agents", $$"""{"did":"{{agent.Did}}","manifest":{{manifest}}}"""), HttpStatusCode.Created);
    }

    /// <summary>
    /// Mean cost of one call, single-threaded, same module and input: bare Wasmtime (new store, instantiate, alloc, copy,
    /// run, read the output), the node's engine (limits, output check and hash), and the executor grain (plus the grain call).
    /// </summary>
    private static async Task<string> OverheadAsync(IServiceProvider services, byte[] bytes)
    {
        var input = Encoding.UTF8.GetBytes("""{"text":"0123456789abcdef0123456789abcdef"}""");
        using var engine = new Engine(new Config().WithFuelConsumption(true).WithEpochInterruption(true).WithCraneliftNaNCanonicalization(true));
        using var bare = Module.FromBytes(engine, "echo", bytes);
        using var linker = new Linker(engine);
        byte[]? output = null;
        linker.DefineFunction("ari", "output", (Caller caller, int pointer, int length) => { output = caller.GetMemory("memory")!.GetSpan(pointer, length).ToArray(); });
        linker.DefineFunction("ari", "log", (Caller caller, int pointer, int length) => { });
        var bareMean = Mean(() =>
        {
            using var store = new Store(engine);
            store.Fuel = 1_000_000;
            store.SetEpochDeadline(1000);
            var instance = linker.Instantiate(store, bare);
            var memory = instance.GetMemory("memory")!;
            var pointer = instance.GetFunction<int, int>("ari_alloc")!(input.Length);
            input.CopyTo(memory.GetSpan(pointer, input.Length));
            _ = instance.GetFunction<int, int, int>("ari_run")!(pointer, input.Length);
        });

        var wasm = services.GetRequiredService<WasmEngine>();
        var hash = Blake2b.Content(bytes);
        var compiled = wasm.Cached(hash) ?? wasm.Cache(hash, wasm.Compile(bytes).Module!);
        var engineMean = Mean(() => wasm.Execute(compiled, input, 1_000_000));

        var executor = services.GetRequiredService<IGrainFactory>().GetGrain<IExecutorGrain>(0);
        var request = new ExecutionRequest(hash, Encoding.UTF8.GetString(input), 1_000_000, null);
        await executor.ExecuteAsync(request);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < OverheadCalls; i++)
        {
            await Task.Yield();
            await executor.ExecuteAsync(request);
        }

        var grainMean = clock.Elapsed.TotalMicroseconds / OverheadCalls;
        return string.Create(CultureInfo.InvariantCulture,
            $"Executor overhead ({OverheadCalls} calls each, one thread, echo of {input.Length} bytes): bare Wasmtime instantiate+call {bareMean:F1} µs; "
            + $"node engine (limits, output check, hash) {engineMean:F1} µs = {engineMean / bareMean:F2}x; executor grain call {grainMean:F1} µs = {grainMean / bareMean:F2}x"
            + $" (output {(output is null ? "missing" : "ok")})");
    }

    private static double Mean(Action call)
    {
        for (var i = 0; i < 1000; i++)
        {
            call();
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < OverheadCalls; i++)
        {
            call();
        }

        return clock.Elapsed.TotalMicroseconds / OverheadCalls;
    }
}
