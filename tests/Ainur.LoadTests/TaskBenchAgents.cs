using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Silo.Ledger;
using Ainur.Testing.Http;

namespace Ainur.LoadTests;

/// <summary>
/// The benchmark's remote agents: loops in the bench process that take tasks from their feeds over signed HTTP, post
/// each task's input back as its output, and tell the waiting client (keyed by task id) that its result is posted.
/// </summary>
internal sealed class TaskBenchAgents(HttpClient http)
{
    public const string Capability = "bench.echo";
    public const long Price = 10;

    private long _polls;
    private long _posts;

    /// <summary>Signed agent requests so far: polls of the feed (one-item workers' included) and result posts.</summary>
    public (long Polls, long Posts) Requests => (Interlocked.Read(ref _polls), Interlocked.Read(ref _posts));

    /// <summary>Results posted, by task id: the client waiting for one awaits its completion source.</summary>
    public ConcurrentDictionary<Hash32, TaskCompletionSource> Posted { get; } = new();

    /// <summary>A completion source for <paramref name="id"/>'s result, made by whichever side comes first.</summary>
    public TaskCompletionSource PostedFor(Hash32 id) => Posted.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Stakes and registers <paramref name="agent"/> (funded already) for the echo capability, deterministic.</summary>
    public async Task EnlistAsync(AgentKey agent)
    {
        var stake = SignedTransaction.Sign(new Stake(agent.Did, 100, 1), agent, LedgerSetup.DevelopmentChainId);
        await TaskBench.SendAsync(http, TaskBench.Post(agent, http, "/v1/stake", JsonSerializer.Serialize(new { transaction = Convert.ToBase64String(stake.Encoded.Span) })), HttpStatusCode.OK);
        var manifest = $$$"""{"name":"bench","version":"1.0.0","capabilities":[{"id":"{{{Capability}}}","description":"Echoes its input.","price":{{{Price}}},"deterministic":true,"inputSchema":{"type":"object"},"outputSchema":{"type":"object"}}],"runtime":{"kind":"remote"}}""";
        await TaskBench.SendAsync(http, TaskBench.Post(agent, http, "/v1/agents", $$"""{"did":"{{agent.Did}}","manifest":{{manifest}}}"""), HttpStatusCode.Created);
    }

    /// <summary>One item per request: take the next task, post its result, repeat (the path before batched feeds).</summary>
    public async Task ServeOneAtATimeAsync(AgentKey agent, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.SendAsync(RequestSigner.SignedGet(agent, http.BaseAddress!, $"/v1/agents/{agent.Did}/tasks/next", "?wait=2"), stop);
                Interlocked.Increment(ref _polls);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    continue;
                }

                using var item = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop));
                var (id, body) = Echo(item.RootElement, withTaskId: false);
                await TaskBench.SendAsync(http, TaskBench.Post(agent, http, $"/v1/tasks/{id}/result", body), HttpStatusCode.OK);
                Interlocked.Increment(ref _posts);
                PostedFor(id).TrySetResult();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Batched, as the CLI's <c>agent run --parallel</c> works: <paramref name="pollers"/> loops take up to
    /// <paramref name="max"/> tasks per poll and poll again at once; one poster sends whatever results are ready in one
    /// signed request, then the next ones that became ready meanwhile.
    /// </summary>
    public async Task ServeBatchedAsync(AgentKey agent, int pollers, int max, CancellationToken stop)
    {
        var ready = Channel.CreateUnbounded<(Hash32 Id, string Body)>(new UnboundedChannelOptions { SingleReader = true });
        var poster = PostReadyAsync(agent, ready.Reader, max);
        await Task.WhenAll(Enumerable.Range(0, pollers).Select(_ => PollAsync(agent, max, ready.Writer, stop)));
        ready.Writer.Complete();
        await poster;
    }

    private async Task PollAsync(AgentKey agent, int max, ChannelWriter<(Hash32 Id, string Body)> ready, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.SendAsync(RequestSigner.SignedGet(agent, http.BaseAddress!, $"/v1/agents/{agent.Did}/tasks/next", $"?wait=2&max={max}"), stop);
                Interlocked.Increment(ref _polls);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    continue;
                }

                using var batch = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop));
                foreach (var item in batch.RootElement.GetProperty("items").EnumerateArray())
                {
                    ready.TryWrite(Echo(item, withTaskId: true));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task PostReadyAsync(AgentKey agent, ChannelReader<(Hash32 Id, string Body)> ready, int max)
    {
        while (await ready.WaitToReadAsync())
        {
            var items = new List<(Hash32 Id, string Body)>();
            while (items.Count < max && ready.TryRead(out var item))
            {
                items.Add(item);
            }

            using var posted = await http.SendAsync(TaskBench.Post(agent, http, $"/v1/agents/{agent.Did}/results", $$"""{"results":[{{string.Join(",", items.Select(i => i.Body))}}]}"""));
            Interlocked.Increment(ref _posts);
            using var answers = JsonDocument.Parse(await posted.Content.ReadAsStringAsync());
            if (posted.StatusCode != HttpStatusCode.OK || answers.RootElement.GetProperty("items").EnumerateArray().Any(a => a.GetProperty("status").GetInt32() != 200))
            {
                throw new InvalidOperationException($"POST results: {(int)posted.StatusCode} {answers.RootElement}");
            }

            foreach (var (id, _) in items)
            {
                PostedFor(id).TrySetResult();
            }
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
}
