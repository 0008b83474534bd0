using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Ainur.Silo.Ledger;
using Ainur.Testing;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;
using Npgsql;

namespace Ainur.LoadTests;

/// <summary>
/// Paid tasks end to end on one standalone node (durable PostgreSQL), over HTTP: each worker is a client that submits
/// a task with its signed payment lock, waits for the result, accepts it and follows the event stream until the task
/// is settled on the ledger; remote agents are loops in this process that take several items per poll
/// (<c>?max=N</c>) and post their results in one signed batch. Run twice in one go, with the hot-path grain state
/// (tasks, escrows, reputation) on (a) Orleans' ADO.NET provider and (b) the group-commit store, and the durable writes
/// per task counted from the database afterwards; with <c>--agent-baseline</c>, also (c) the group-commit store with
/// agents taking and posting one item per request, as before the batched feed.
/// </summary>
internal static class TaskBench
{
    private const string Capability = "bench.echo";
    private const long Price = 10;

    /// <summary>
    /// Phases a and b; with <paramref name="groupCommitOnly"/>, phase b alone (for profiling); with
    /// <paramref name="agentBaseline"/>, phase c (one item per agent request) after them, as the baseline of the batched feed.
    /// </summary>
    public static async Task RunAsync(int concurrency, TimeSpan duration, TimeSpan warmUp, int agents, bool groupCommitOnly, bool agentBaseline)
    {
        var runs = new List<(PhaseResult Phase, string Writes, string Steps)>();
        var phases = new[]
        {
            ("a. ADO.NET provider for task state", false, true, !groupCommitOnly),
            ("b. group-commit store for task state", true, true, true),
            ("c. group-commit store, agents one item per request", true, false, agentBaseline),
        };
        foreach (var (name, groupCommit, batched, _) in phases.Where(p => p.Item4))
        {
            runs.Add(await RunOnceAsync(name, groupCommit, batched, concurrency, duration, warmUp, agents));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"### tasks — C = {concurrency} clients, {agents} remote agents, {duration.TotalSeconds:F0} s after {warmUp.TotalSeconds:F0} s warm-up"));
        Console.WriteLine();
        Console.Write(Report.Table("task", [.. runs.Select(r => r.Phase)]));
        Console.WriteLine();
        foreach (var (phase, writes, steps) in runs)
        {
            Console.WriteLine($"{phase.Name[..2]} durable writes per settled task: {writes}");
            Console.WriteLine($"{phase.Name[..2]} mean time per step (server clock, last tasks): {steps}");
        }

        foreach (var (later, earlier) in new[] { ("b", "a"), ("b", "c") })
        {
            if (runs.FirstOrDefault(r => r.Phase.Name.StartsWith(later, StringComparison.Ordinal)).Phase is { } x
                && runs.FirstOrDefault(r => r.Phase.Name.StartsWith(earlier, StringComparison.Ordinal)).Phase is { } y)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Settled tasks/s, {later} / {earlier} = {x.PerSecond / y.PerSecond:F2}"));
            }
        }

        Console.WriteLine();
    }

    private static async Task<(PhaseResult, string, string)> RunOnceAsync(
        string name, bool groupCommit, bool batched, int concurrency, TimeSpan duration, TimeSpan warmUp, int agentCount)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var node = await InProcessGateway.StartStandaloneAsync(database, new Dictionary<string, string?>
        {
            ["Ainur:Postgres:GroupCommit"] = groupCommit ? "true" : "false",
            ["Ainur:Gateway:PerIp:PerSecond"] = "0",
            ["Ainur:Gateway:PerDid:PerSecond"] = "0",
            ["Ainur:Tasks:ChallengeWindow"] = "00:05:00",
        });
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 4 * (concurrency + agentCount), PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = node.Address, Timeout = TimeSpan.FromMinutes(2) };

        var clients = Enumerable.Range(0, concurrency).Select(_ => AgentKey.Generate()).ToArray();
        var agents = Enumerable.Range(0, agentCount).Select(_ => AgentKey.Generate()).ToArray();
        await Parallel.ForEachAsync(clients.Concat(agents), async (key, _) => await SendAsync(http, Post(key, http, "/v1/faucet", "{}"), HttpStatusCode.OK));
        await Parallel.ForEachAsync(agents, async (agent, _) => await EnlistAsync(http, agent));

        var results = new ConcurrentDictionary<Hash32, TaskCompletionSource>();
        var recent = new ConcurrentQueue<Hash32>();
        using var stop = new CancellationTokenSource();
        // As many items per agent at once as before: one-item workers, or two batched pollers sharing that many.
        var perAgent = Math.Max(2, 2 * concurrency / agentCount);
        var pollers = batched
            ? agents.SelectMany(agent => Enumerable.Range(0, 2).Select(_ => ServeBatchedAsync(http, agent, Math.Clamp(perAgent / 2, 1, 64), results, stop.Token))).ToList()
            : agents.SelectMany(agent => Enumerable.Range(0, perAgent).Select(_ => ServeAsync(http, agent, results, stop.Token))).ToList();

        var phase = await LoadRunner.RunPhaseAsync(name, concurrency, warmUp, duration, async (worker, _) =>
        {
            var client = clients[worker];
            var input = $$"""{"text":"{{Guid.NewGuid():N}}"}""";
            var terms = new TaskTerms(client.Did, Capability, Blake2b.Content(Encoding.UTF8.GetBytes(input)), Price,
                DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(), Guid.NewGuid().ToString("N"));
            var id = terms.TaskId();
            var posted = results.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var paymentLock = SignedTransaction.Sign(new EscrowLock(client.Did, TaskEscrows.Payment(id), Price, terms.Deadline), client, LedgerSetup.DevelopmentChainId);
            var deadline = DateTimeOffset.FromUnixTimeMilliseconds(terms.Deadline).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            var body = $$"""{"capability":"{{Capability}}","input":{{input}},"maxPrice":{{Price}},"deadline":"{{deadline}}","salt":"{{terms.Salt}}","paymentLock":"{{Convert.ToBase64String(paymentLock.Encoded.Span)}}"}""";
            await SendAsync(http, Post(client, http, "/v1/tasks", body), HttpStatusCode.Accepted);
            await posted.Task.WaitAsync(TimeSpan.FromMinutes(1));
            results.TryRemove(new KeyValuePair<Hash32, TaskCompletionSource>(id, posted));
            await SendAsync(http, Post(client, http, $"/v1/tasks/{id}/accept", "{}"), HttpStatusCode.OK);
            await FollowUntilSettledAsync(http, id);
            recent.Enqueue(id);
            while (recent.Count > 200 && recent.TryDequeue(out var _))
            {
            }
        });
        await stop.CancelAsync();
        await Task.WhenAll(pollers);
        return (phase, await CountWritesAsync(database), await StepTimesAsync(http, recent));
    }

    private static async Task EnlistAsync(HttpClient http, AgentKey agent)
    {
        var stake = SignedTransaction.Sign(new Stake(agent.Did, 100, 1), agent, LedgerSetup.DevelopmentChainId);
        await SendAsync(http, Post(agent, http, "/v1/stake", JsonSerializer.Serialize(new { transaction = Convert.ToBase64String(stake.Encoded.Span) })), HttpStatusCode.OK);
        var manifest = $$$"""{"name":"bench","version":"1.0.0","capabilities":[{"id":"{{{Capability}}}","description":"Echoes its input.","price":{{{Price}}},"inputSchema":{"type":"object"},"outputSchema":{"type":"object"}}],"runtime":{"kind":"remote"}}""";
        await SendAsync(http, Post(agent, http, "/v1/agents", $$"""{"did":"{{agent.Did}}","manifest":{{manifest}}}"""), HttpStatusCode.Created);
    }

    /// <summary>A remote agent's worker: takes the next task, posts its input back as the output, tells the waiting client.</summary>
    private static async Task ServeAsync(HttpClient http, AgentKey agent, ConcurrentDictionary<Hash32, TaskCompletionSource> results, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.SendAsync(RequestSigner.SignedGet(agent, http.BaseAddress!, $"/v1/agents/{agent.Did}/tasks/next", "?wait=2"), stop);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    continue;
                }

                using var item = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop));
                var (id, body) = Echo(item.RootElement, withTaskId: false);
                await SendAsync(http, Post(agent, http, $"/v1/tasks/{id}/result", body), HttpStatusCode.OK);
                results.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A batched agent worker: takes up to <paramref name="max"/> tasks per poll and polls again at once, while their outputs
    /// are posted in one request (after the worker's previous batch), then tells the waiting clients.
    /// </summary>
    private static async Task ServeBatchedAsync(HttpClient http, AgentKey agent, int max, ConcurrentDictionary<Hash32, TaskCompletionSource> results, CancellationToken stop)
    {
        var posting = Task.CompletedTask;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.SendAsync(RequestSigner.SignedGet(agent, http.BaseAddress!, $"/v1/agents/{agent.Did}/tasks/next", $"?wait=2&max={max}"), stop);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    continue;
                }

                using var batch = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop));
                var items = batch.RootElement.GetProperty("items").EnumerateArray().Select(i => Echo(i, withTaskId: true)).ToList();
                posting = PostBatchAsync(http, agent, items, results, posting);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }

        await posting;
    }

    private static async Task PostBatchAsync(
        HttpClient http, AgentKey agent, List<(Hash32 Id, string Body)> items, ConcurrentDictionary<Hash32, TaskCompletionSource> results, Task previous)
    {
        await previous;
        using var posted = await http.SendAsync(Post(agent, http, $"/v1/agents/{agent.Did}/results", $$"""{"results":[{{string.Join(",", items.Select(i => i.Body))}}]}"""));
        using var answers = JsonDocument.Parse(await posted.Content.ReadAsStringAsync());
        if (posted.StatusCode != HttpStatusCode.OK || answers.RootElement.GetProperty("items").EnumerateArray().Any(a => a.GetProperty("status").GetInt32() != 200))
        {
            throw new InvalidOperationException($"POST results: {(int)posted.StatusCode} {answers.RootElement}");
        }

        foreach (var (id, _) in items)
        {
            results.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    /// <summary>The agent's answer to an item: its input back as the output, as a result body (a batch item carries the task id).</summary>
    private static (Hash32 Id, string Body) Echo(JsonElement item, bool withTaskId)
    {
        var id = Hash32.Parse(item.GetProperty("taskId").GetString()!);
        var attempt = item.GetProperty("attempt").GetInt32();
        var output = item.GetProperty("input").GetRawText();
        var task = withTaskId ? $"\"taskId\":\"{id}\"," : string.Empty;
        return (id, $$"""{{{task}}"attempt":{{attempt}},"output":{{output}},"outputHash":"{{Blake2b.Content(Encoding.UTF8.GetBytes(output))}}"}""");
    }

    /// <summary>Reads the task's event stream until a transition to Settled.</summary>
    private static async Task FollowUntilSettledAsync(HttpClient http, Hash32 id)
    {
        using var response = await http.GetAsync(new Uri($"/v1/tasks/{id}/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("\"to\":\"settled\"", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        throw new InvalidOperationException($"Task {id}'s event stream ended before it was settled.");
    }

    /// <summary>Where a task's time goes: the mean time from each transition to the next, by the later one's cause.</summary>
    private static async Task<string> StepTimesAsync(HttpClient http, IEnumerable<Hash32> tasks)
    {
        var gaps = new Dictionary<string, List<double>>();
        foreach (var id in tasks)
        {
            using var history = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/v1/tasks/{id}/history", UriKind.Relative)));
            var steps = history.RootElement.ValueKind == JsonValueKind.Array ? history.RootElement : history.RootElement.GetProperty("transitions");
            DateTimeOffset? previous = null;
            foreach (var step in steps.EnumerateArray())
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
    /// Grain-state writes by store (each row's version counts its writes), and reminder writes, per task: over every
    /// task of the run (warm-up and those still in flight included), so a few are counted before their last writes.
    /// </summary>
    private static async Task<string> CountWritesAsync(TestDatabase database)
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
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var writes = new Dictionary<string, long>();
        var tasks = 1L;
        while (await reader.ReadAsync())
        {
            writes[reader.GetString(0)] = reader.GetInt64(1);
            tasks = reader.GetString(0) == "tasks" ? reader.GetInt64(2) : tasks;
        }

        var parts = writes.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Key} {w.Value / (double)tasks:F2}")).ToList();
        var total = writes.Values.Sum() / (double)tasks;

        // Each task registers its reminder once and removes it once it is closed: two reminder-table writes.
        return string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", parts)}, reminders 2.00; total {total + 2:F2} over {tasks} tasks");
    }

    private static HttpRequestMessage Post(AgentKey key, HttpClient http, string path, string body) => RequestSigner.SignedPost(key, http.BaseAddress!, path, body);

    private static async Task SendAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode expected)
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
