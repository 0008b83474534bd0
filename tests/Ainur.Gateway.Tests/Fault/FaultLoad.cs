using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Tasks;
using Ainur.Protocol.Identity;
using Ainur.Testing.Http;

namespace Ainur.Gateway.Tests.Fault;

/// <summary>
/// Steady task load on the fault cluster: each client submits a task every <see cref="Pace"/>, turn about through the
/// two gateways and turn about from its budget and with a lock of its own; each remote agent long-polls its feed
/// through the gateways in turn and posts each task's input back as its output. Every submission is recorded with its
/// answer, acknowledged (202) or not. Clients never resend a task: an unanswered one may exist or not, and the checks
/// find out which.
/// </summary>
internal sealed class FaultLoad : IAsyncDisposable
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(400);

    private readonly FaultClusterFixture _fixture;
    private readonly Stopwatch _clock;
    private readonly ConcurrentQueue<Submission> _submissions = new();
    private readonly CancellationTokenSource _stopClients = new();
    private readonly CancellationTokenSource _stopAgents = new();
    private readonly Task[] _clients;
    private readonly Task[] _agents;

    private FaultLoad(FaultClusterFixture fixture, Stopwatch clock)
    {
        _fixture = fixture;
        _clock = clock;
        _clients = [.. fixture.Clients.Select((client, i) => Task.Run(() => SubmitUntilStoppedAsync(client, i)))];
        _agents = [.. fixture.Agents.Select((agent, i) => Task.Run(() => ServeUntilStoppedAsync(agent, i)))];
    }

    /// <summary>Starts the clients and agents; times are read from <paramref name="clock"/>.</summary>
    public static FaultLoad Start(FaultClusterFixture fixture, Stopwatch clock) => new(fixture, clock);

    /// <summary>Stops the clients (the agents go on serving) and returns every submission, requests in flight included.</summary>
    public async Task<IReadOnlyList<Submission>> StopSubmittingAsync()
    {
        await _stopClients.CancelAsync();
        await Task.WhenAll(_clients);
        return [.. _submissions.OrderBy(s => s.Sent)];
    }

    /// <summary>Stops the agents too.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopClients.CancelAsync();
        await _stopAgents.CancelAsync();
        await Task.WhenAll(_clients.Concat(_agents));
        _stopClients.Dispose();
        _stopAgents.Dispose();
    }

    private async Task SubmitUntilStoppedAsync(AgentKey client, int index)
    {
        for (var n = index; !_stopClients.IsCancellationRequested; n++)
        {
            var gateway = n % FaultClusterFixture.GatewayCount;
            var fromBudget = n / FaultClusterFixture.GatewayCount % 2 == 0;
            var draft = _fixture.NewDraft(client);
            var sent = _clock.Elapsed;
            int status;
            string? mediaType = null;
            string detail;
            try
            {
                // Not cancelled when the load stops: a request in flight then still counts.
                using var response = await _fixture.Http.SendAsync(_fixture.SubmitRequest(gateway, draft, fromBudget), CancellationToken.None);
                status = (int)response.StatusCode;
                mediaType = response.Content.Headers.ContentType?.MediaType;
                detail = status == 202 ? "" : await response.Content.ReadAsStringAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                (status, detail) = (0, e.GetType().Name + ": " + e.Message);
            }

            _submissions.Enqueue(new Submission(draft, fromBudget, gateway, sent, _clock.Elapsed, status, mediaType, detail));
            await Delay(Pace, _stopClients.Token);
        }
    }

    private async Task ServeUntilStoppedAsync(AgentKey agent, int index)
    {
        for (var n = index; !_stopAgents.IsCancellationRequested; n++)
        {
            var gateway = _fixture.Gateway(n % FaultClusterFixture.GatewayCount).Address;
            try
            {
                using var response = await _fixture.Http.SendAsync(
                    RequestSigner.SignedGet(agent, gateway, $"/v1/agents/{agent.Did}/tasks/next", "?wait=2"), _stopAgents.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    // 204: nothing came. Anything else: the gateway or cluster is in trouble; a client backs off briefly.
                    await Delay(response.StatusCode == HttpStatusCode.NoContent ? TimeSpan.Zero : TimeSpan.FromMilliseconds(200), _stopAgents.Token);
                    continue;
                }

                using var item = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_stopAgents.Token));
                await PostResultAsync(agent, item.RootElement, n);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !_stopAgents.IsCancellationRequested)
            {
                await Delay(TimeSpan.FromMilliseconds(200), _stopAgents.Token);
            }
            catch (OperationCanceledException) when (_stopAgents.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Posts the result, trying the gateways in turn for a while when one fails (a 4xx is an answer: the attempt is over).</summary>
    private async Task PostResultAsync(AgentKey agent, JsonElement item, int turn)
    {
        var id = item.GetProperty("taskId").GetString();
        var body = TaskClient.ResultBody(item.GetProperty("attempt").GetInt32(), JsonSerializer.Serialize(item.GetProperty("input")));
        var started = Stopwatch.StartNew();
        for (var n = turn; started.Elapsed < TimeSpan.FromSeconds(8) && !_stopAgents.IsCancellationRequested; n++)
        {
            var gateway = _fixture.Gateway(n % FaultClusterFixture.GatewayCount).Address;
            try
            {
                using var response = await _fixture.Http.SendAsync(RequestSigner.SignedPost(agent, gateway, $"/v1/tasks/{id}/result", body), _stopAgents.Token);
                if ((int)response.StatusCode < 500)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // The gateway is gone: the next one.
            }

            await Delay(TimeSpan.FromMilliseconds(200), _stopAgents.Token);
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends at its next check.
        }
    }
}

/// <summary>
/// One task submission: the task, how it is paid, the gateway it went to, when it was sent and answered (test clock),
/// and the answer: its status (0 when the connection failed or timed out), media type and body (or the failure).
/// </summary>
internal sealed record Submission(TaskDraft Draft, bool FromBudget, int Gateway, TimeSpan Sent, TimeSpan Answered, int Status, string? MediaType, string Detail)
{
    public bool Acknowledged => Status == 202;

    /// <summary>
    /// An answer a client may get while a fault lasts: 503 problem+json (retry shortly), or a connection to a stopped
    /// gateway refused or reset. Not a 500, not a 4xx for a valid request, not a request left hanging until the client gives up.
    /// </summary>
    public bool Retryable =>
        (Status == 503 && MediaType == "application/problem+json") || (Status == 0 && Detail.StartsWith(nameof(HttpRequestException), StringComparison.Ordinal));

    public override string ToString() =>
        $"{Draft.Id} via gateway {Gateway} [{Sent.TotalSeconds:F2}-{Answered.TotalSeconds:F2} s] {Status} {MediaType} {Detail}";
}
