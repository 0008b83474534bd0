using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Ainur.Grains.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ainur.LoadTests;

/// <summary>
/// Paid tasks end to end on one standalone node (durable PostgreSQL, group-commit store), over HTTP, with clients and
/// remote agents as loops in this process (<see cref="TaskBenchClient"/>, <see cref="TaskBenchAgents"/>). Each phase runs
/// on a fresh node and database: (a) the path before budgets, as the baseline: each task paid by the client's own
/// EscrowLock, agents taking and posting one item per request; (b) tasks paid from budgets by vouchers, agents taking
/// several items per poll (<c>?max=N</c>) and posting their results in one signed batch; with <c>--agent-baseline</c>,
/// (c) budgets with one item per agent request. A phase first finds its maximum in a closed loop of C clients (settled
/// tasks/s, submit to settled latency), then offers tasks at 80% of that rate in an open loop for the latencies the
/// protocol's targets are about. Per phase: durable writes, ledger heights and CPU per settled task.
/// </summary>
internal static class TaskBench
{
    private sealed record Phase(string Name, bool Budget, bool Batched, bool OnResult = false);

    private sealed record Outcome(PhaseResult Closed, PacedResult Paced, string Writes, string Costs, string Steps);

    public static async Task RunAsync(int concurrency, TimeSpan duration, TimeSpan warmUp, bool untilWarm, int rate, int agents, bool budgetOnly, bool agentBaseline, bool onResult, bool allocationTypes)
    {
        var phases = new List<Phase>();
        if (!budgetOnly)
        {
            phases.Add(new("a. per-task escrow lock, one item per agent request", false, false));
        }

        phases.Add(new("b. budget vouchers, batched agent feeds and results", true, true));
        if (agentBaseline)
        {
            phases.Add(new("c. budget vouchers, one item per agent request", true, false));
        }

        if (onResult)
        {
            phases.Add(new("d. budget vouchers, batched, accepted on result", true, true, OnResult: true));
        }

        var outcomes = new List<Outcome>();
        foreach (var phase in phases)
        {
            outcomes.Add(await RunOnceAsync(phase, concurrency, duration, warmUp, untilWarm, rate, agents, allocationTypes));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"### tasks — C = {concurrency} clients, {agents} remote agents, {duration.TotalSeconds:F0} s after {warmUp.TotalSeconds:F0} s warm-up"));
        Console.WriteLine();
        Console.WriteLine("Closed loop (maximum; latency submit -> settled):");
        Console.WriteLine();
        Console.Write(Report.Table("task", [.. outcomes.Select(o => o.Closed)]));
        Console.WriteLine();
        Console.WriteLine(rate > 0 ? $"Open loop at {rate} tasks/s offered (--rate):" : "Open loop at 80% of each phase's maximum:");
        Console.WriteLine();
        Console.WriteLine("| phase | offered/s | settled/s | complete p50 ms | complete p99 ms | settled p50 ms | settled p99 ms | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var o in outcomes)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {o.Paced.Name} | {o.Paced.Offered:F0} | {o.Paced.SettledPerSecond:F0} | {o.Paced.Complete(0.5):F1} | {o.Paced.Complete(0.99):F1} | {o.Paced.Settled(0.5):F1} | {o.Paced.Settled(0.99):F1} | {o.Paced.Errors} |"));
        }

        Console.WriteLine();
        foreach (var o in outcomes)
        {
            var tag = o.Closed.Name[..2];
            Console.WriteLine($"{tag} durable writes per settled task: {o.Writes}");
            Console.WriteLine($"{tag} per settled task (closed loop): {o.Costs}");
            Console.WriteLine($"{tag} mean time per step (server clock, last tasks): {o.Steps}");
        }

        if (outcomes.Count > 1)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Settled tasks/s, b / a = {outcomes[1].Closed.PerSecond / outcomes[0].Closed.PerSecond:F2}"));
        }

        Console.WriteLine();
    }

    private static async Task<Outcome> RunOnceAsync(Phase phase, int concurrency, TimeSpan duration, TimeSpan warmUp, bool untilWarm, int rate, int agentCount, bool allocationTypes)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var node = await InProcessGateway.StartStandaloneAsync(database, new Dictionary<string, string?>
        {
            ["Ainur:Gateway:PerIp:PerSecond"] = "0",
            ["Ainur:Gateway:PerDid:PerSecond"] = "0",
            ["Ainur:Tasks:ChallengeWindow"] = "00:05:00",
        });
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 16 * (concurrency + agentCount), PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = node.Address, Timeout = TimeSpan.FromMinutes(2) };

        var agentKeys = Enumerable.Range(0, agentCount).Select(_ => AgentKey.Generate()).ToArray();
        var agents = new TaskBenchAgents(http);
        await Parallel.ForEachAsync(agentKeys, async (key, _) =>
        {
            await SendAsync(http, Post(key, http, "/v1/faucet", "{}"), HttpStatusCode.OK);
            await agents.EnlistAsync(key);
        });
        var clients = new TaskBenchClient[concurrency];
        await Parallel.ForEachAsync(Enumerable.Range(0, concurrency), async (i, _) => clients[i] = await TaskBenchClient.CreateAsync(http, phase.Budget));

        using var stop = new CancellationTokenSource();
        // As many items per agent at once either way: one-item workers, or two batched pollers sharing that many.
        var perAgent = Math.Max(2, 2 * concurrency / agentCount);
        var pollers = phase.Batched
            ? agentKeys.Select(agent => agents.ServeBatchedAsync(agent, 2, Math.Clamp(perAgent / 2, 1, 64), stop.Token)).ToList()
            : agentKeys.SelectMany(agent => Enumerable.Range(0, perAgent).Select(_ => agents.ServeOneAtATimeAsync(agent, stop.Token))).ToList();

        var recent = new ConcurrentQueue<Hash32>();
        LoadOperation operation = async (worker, _) =>
        {
            var (id, _, _) = await clients[worker].RunTaskAsync(agents, phase.OnResult);
            recent.Enqueue(id);
            while (recent.Count > 200 && recent.TryDequeue(out var _))
            {
            }
        };
        var warmed = await WarmUp.RunAsync(phase.Name, concurrency, warmUp, untilWarm, operation);
        var ledger = node.Services.GetRequiredService<LedgerMetrics>();
        var postmaster = await ProcessCpu.PostmasterAsync(database.ConnectionString);
        var (blocks, transactions, consensus, cpu) = (ledger.FinalizedBlocks, ledger.FinalizedTransactions, ledger.ConsensusCpu, ProcessCpu.Now(postmaster));
        var (jit, jitted) = (System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());
        var gc = GcSnapshot.Now();
        var agentRequests = agents.Requests;
        using var allocations = allocationTypes ? new AllocationSampler() : null;
        allocations?.Start();
        // On stderr, so a profiler attached to this process can take the measured window alone (BENCHMARKS.md).
        Console.Error.WriteLine($"closed loop starts {DateTime.UtcNow:O}");
        var closed = await LoadRunner.RunAsync(phase.Name, concurrency, duration, operation, iterationBase: 1L << 40);
        Console.Error.WriteLine($"closed loop ends {DateTime.UtcNow:O}");
        var cpuAfter = ProcessCpu.Now(postmaster);
        var (jitAfter, jittedAfter) = (System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());
        var gcAfter = GcSnapshot.Now();
        var agentRequestsAfter = agents.Requests;
        if (allocations is not null)
        {
            Console.WriteLine($"Allocated types in the closed loop (sampled bytes):{Environment.NewLine}{allocations.Stop(25)}");
        }

        var settled = Math.Max(1, closed.Operations);
        var costs = string.Create(CultureInfo.InvariantCulture,
            $"ledger heights {(ledger.FinalizedBlocks - blocks) / (double)settled:F3}, ledger transactions {(ledger.FinalizedTransactions - transactions) / (double)settled:F2}, " +
            $"consensus CPU per finalized transaction {(ledger.ConsensusCpu - consensus).TotalMicroseconds / Math.Max(1, ledger.FinalizedTransactions - transactions):F0} µs; " +
            $"CPU {(cpuAfter.Machine - cpu.Machine).TotalMilliseconds / settled:F2} ms (all processes; node + clients + agents {(cpuAfter.Node - cpu.Node).TotalMilliseconds / settled:F2} ms, " +
            $"PostgreSQL {(cpuAfter.Postgres - cpu.Postgres).TotalMilliseconds / settled:F2} ms); {cpuAfter.Since(cpu)}; " +
            $"{warmed}; {gcAfter.PerOperation(gc, settled)}; agent requests per task: polls {(agentRequestsAfter.Polls - agentRequests.Polls) / (double)settled:F2}, result posts {(agentRequestsAfter.Posts - agentRequests.Posts) / (double)settled:F2}; of the node's, JIT compiling {(jitAfter - jit).TotalMilliseconds / settled:F2} ms ({jittedAfter - jitted} methods compiled in the run: a longer --warmup or --until-warm leaves fewer)");

        var paced = await PacedRunner.RunAsync(phase.Name, rate > 0 ? rate : 0.8 * closed.PerSecond, duration, async i =>
        {
            var (_, complete, done) = await clients[i % clients.Length].RunTaskAsync(agents, phase.OnResult);
            return (complete, done);
        });
        await stop.CancelAsync();
        await Task.WhenAll(pollers);
        return new Outcome(closed, paced, await CountWritesAsync(database, phase.Budget), costs, await StepTimesAsync(http, recent));
    }

    /// <summary>Where a task's time goes: the mean time from each transition to the next, by the later one's cause.</summary>
    public static async Task<string> StepTimesAsync(HttpClient http, IEnumerable<Hash32> tasks)
    {
        var gaps = new Dictionary<string, List<double>>();
        foreach (var id in tasks)
        {
            using var history = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/v1/tasks/{id}/history", UriKind.Relative)));
            DateTimeOffset? previous = null;
            foreach (var step in history.RootElement.EnumerateArray())
            {
                var at = step.GetProperty("at").GetDateTimeOffset();
                var name = $"{step.GetProperty("cause").GetString()}->{step.GetProperty("to").GetString()}";
                if (previous is { } before)
                {
                    (gaps.TryGetValue(name, out var list) ? list : gaps[name] = []).Add((at - before).TotalMilliseconds);
                }

                previous = at;
            }
        }

        return string.Join(", ", gaps.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Value.Average():F1} ms")));
    }

    /// <summary>
    /// Grain-state writes by store (each row's version counts its writes) and reminder writes, per task, over every task
    /// of the phase (warm-up and those still in flight included, so a few are counted before their last writes). A task
    /// paid by its own lock registers its reminder and removes it once closed (two writes, the row gone); a budget's
    /// task has none, its budget one (the rows that remain).
    /// </summary>
    private static async Task<string> CountWritesAsync(TestDatabase database, bool budget)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        const string sql = """
            select store, sum(version)::bigint, count(*) from ainur_grain_state group by store
            union all
            select case when grain_type like '%task%' then 'tasks' when grain_type like '%escrow%' then 'escrows'
                        when grain_type like '%reputation%' then 'reputation' when grain_type ilike '%pubsub%' then 'stream pub-sub'
                        else grain_type end, sum(version)::bigint, count(*)
            from orleans_storage group by 1
            union all
            select 'reminders (rows kept)', coalesce(sum(version), 0)::bigint, count(*) from orleans_reminders
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var writes = new Dictionary<string, long>();
        var tasks = 1L;
        while (await reader.ReadAsync())
        {
            writes[reader.GetString(0)] = writes.GetValueOrDefault(reader.GetString(0)) + reader.GetInt64(1);
            tasks = reader.GetString(0) == "tasks" ? reader.GetInt64(2) : tasks;
        }

        if (!budget)
        {
            // Rows still kept belong to tasks not closed yet: counted as the two writes every such task makes.
            writes.Remove("reminders (rows kept)");
            writes["reminders (registered, removed)"] = 2 * tasks;
        }

        var parts = writes.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Key} {w.Value / (double)tasks:F2}")).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", parts)}; total {writes.Values.Sum() / (double)tasks:F2} over {tasks} tasks");
    }

    public static HttpRequestMessage Post(AgentKey key, HttpClient http, string path, string body) => RequestSigner.SignedPost(key, http.BaseAddress!, path, body);

    public static async Task SendAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode expected)
    {
        using (request)
        {
            using var response = await http.SendAsync(request);
            if (response.StatusCode != expected)
            {
                throw new InvalidOperationException($"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
