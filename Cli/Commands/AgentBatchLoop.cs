using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Ainur.Cli.Tasks;
using Ainur.Protocol.Identity;

namespace Ainur.Cli.Commands;

/// <summary>
/// <c>ainur agent run --parallel N</c>: up to N items run at once. One poll asks for as many items as there are free
/// slots (<c>?max=</c>); each execute item's command runs in its own slot, and the results that are ready are posted
/// together in one signed request (<c>POST /v1/agents/{did}/results</c>) while the next ones run; each item's answer in
/// the batch is told as a single post's would be. Disputes to judge are answered one by one, as without <c>--parallel</c>.
/// </summary>
internal sealed class AgentBatchLoop(CliContext context, GatewayClient client, AgentKey key, AgentLoop single, int parallel) : IDisposable
{
    /// <summary>The most items at once: what one poll or one batch of results may carry.</summary>
    public const int MaxParallel = 64;

    private readonly Channel<Ran> _ready = Channel.CreateUnbounded<Ran>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots = new(parallel, parallel);
    private int _worst = ExitCodes.Ok;

    /// <summary>Polls and runs until cancelled (with <paramref name="once"/>, until the items of one poll are done); the worst exit code seen.</summary>
    public async Task<int> RunAsync(bool once, CancellationToken ct)
    {
        var poster = PostAllAsync();
        var running = new List<Task>();
        try
        {
            while (true)
            {
                await _slots.WaitAsync(ct);
                var free = 1;
                while (free < parallel && _slots.Wait(0, ct))
                {
                    free++;
                }

                var items = await PollAsync(free, ct);
                if (items.Count < free)
                {
                    _slots.Release(free - items.Count);
                }

                running.RemoveAll(t => t.IsCompleted);
                running.AddRange(items.Select(item => HandleAsync(item, ct)));
                if (once && items.Count > 0)
                {
                    break;
                }
            }
        }
        finally
        {
            await Task.WhenAll(running);
            _ready.Writer.Complete();
            await poster;
        }

        return _worst;
    }

    private async Task<List<JsonNode>> PollAsync(int max, CancellationToken ct)
    {
        GatewayResponse response;
        try
        {
            response = await client.GetSignedAsync($"v1/agents/{key.Did}/tasks/next?wait={AgentLoop.PollSeconds}&max={max}", key, ct);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.Unavailable)
        {
            await single.RetryLaterAsync(e.Message, ct);
            return [];
        }

        if (response.Status == HttpStatusCode.NoContent)
        {
            return [];
        }

        if ((int)response.Status >= 500)
        {
            await single.RetryLaterAsync($"error: gateway answered {(int)response.Status}", ct);
            return [];
        }

        return [.. GatewayOutput.Require(response)["items"]!.AsArray().Select(i => i!)];
    }

    private async Task HandleAsync(JsonNode item, CancellationToken ct)
    {
        try
        {
            if ((string?)item["kind"] == "verify")
            {
                Note(await single.VerifyAsync(item, ct));
            }
            else
            {
                await _ready.Writer.WriteAsync(await single.RunAsync(item, ct), ct);
            }
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.Unavailable)
        {
            // The answer is lost with this item; the task times the attempt out and requeues it.
            await context.Error.WriteLineAsync(e.Message);
            Note(e.ExitCode);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C: the command was killed; its attempt times out and is requeued.
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Posts what is ready, one batch at a time, until every item was handled (runs on after Ctrl+C: the commands' results are kept).</summary>
    private async Task PostAllAsync()
    {
        while (await _ready.Reader.WaitToReadAsync())
        {
            var batch = new List<Ran>();
            while (batch.Count < MaxParallel && _ready.Reader.TryRead(out var ran))
            {
                batch.Add(ran);
            }

            try
            {
                await PostAsync(batch);
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.Unavailable)
            {
                await context.Error.WriteLineAsync(e.Message);
                Note(e.ExitCode);
            }
        }
    }

    private async Task PostAsync(List<Ran> batch)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"results\":[{string.Join(",", batch.Select(r => Encoding.UTF8.GetString(JsonText.Object(r.Body(withTaskId: true)))))}]}}");
        var response = await client.PostSignedAsync($"v1/agents/{key.Did}/results", body, key, CancellationToken.None);
        var answers = (int)response.Status is >= 200 and < 300 ? GatewayOutput.Require(response)["items"]!.AsArray() : null;
        for (var i = 0; i < batch.Count; i++)
        {
            // Each item is told as its own POST /v1/tasks/{id}/result would have been answered (a refusal of the whole batch, for each).
            var alone = answers?[i] is { } answer
                ? new GatewayResponse((HttpStatusCode)(int)answer["status"]!, (answer["task"] ?? answer["problem"])!.ToJsonString())
                : response;
            Note(await single.ReportAsync(alone, batch[i]));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();

    private void Note(int code)
    {
        if (code != ExitCodes.Ok)
        {
            Interlocked.CompareExchange(ref _worst, code, ExitCodes.Ok);
        }
    }
}
