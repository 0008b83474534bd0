using System.Net;
using System.Text.Json.Nodes;
using Ainur.Cli.Commands;

namespace Ainur.Cli.Tasks;

/// <summary>
/// Follows a task's event stream, printing each transition on one line (or its JSON with <c>--json</c>), until the task
/// is terminal: exit code 0 when it settled, 6 when it failed or was cancelled. A dropped stream is resumed after the
/// last event received. While a result waits for its challenge window, standard error says until when and how to end it.
/// </summary>
internal static class TaskWatch
{
    // Consecutive broken connections tolerated before giving up with exit code 4.
    private const int MaxReconnects = 5;

    public static async Task<int> FollowAsync(CliContext context, GatewayClient client, string taskId, bool json, CancellationToken ct)
    {
        long? last = null;
        var failures = 0;
        while (true)
        {
            try
            {
                last = await ReadStreamAsync(context, client, taskId, last, json, ct);
                failures = 0;
            }
            catch (Exception e) when (e is IOException or HttpRequestException or CliException { ExitCode: ExitCodes.Unavailable } && ++failures <= MaxReconnects)
            {
                await context.Error.WriteLineAsync($"warning: the event stream broke ({e.Message}); resuming");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                continue;
            }

            // The stream ends when the task is terminal; it also ends when a gateway stops, so the task itself decides.
            var task = GatewayOutput.Require(await client.GetAsync($"v1/tasks/{taskId}", ct));
            if ((string?)task["state"] is "settled" or "failed" or "cancelled")
            {
                await context.Output.WriteLineAsync(json ? task.ToJsonString() : TaskText.Task(task));
                return (string?)task["state"] == "settled" ? ExitCodes.Ok : ExitCodes.NotSettled;
            }
        }
    }

    // Prints the events of one connection; returns the last event id seen.
    private static async Task<long?> ReadStreamAsync(CliContext context, GatewayClient client, string taskId, long? last, bool json, CancellationToken ct)
    {
        using var response = await client.OpenEventsAsync($"v1/tasks/{taskId}/events", last, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            GatewayOutput.Require(new GatewayResponse(response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
        }

        await foreach (var item in ServerEvent.ReadAllAsync(await response.Content.ReadAsStreamAsync(ct), ct))
        {
            var transition = JsonNode.Parse(item.Data)!;
            await context.Output.WriteLineAsync(json ? item.Data : TaskText.Transition(transition));
            last = item.Id ?? last;
            if ((string?)transition["to"] == "verifying" && (string?)transition["state"] == "verifying")
            {
                await ExplainWindowAsync(context, client, taskId, ct);
            }
        }

        return last;
    }

    // A result stands for the challenge window, which may be long: say on standard error what the wait is for and how
    // to end it now, so that a silent terminal is not mistaken for a hang.
    private static async Task ExplainWindowAsync(CliContext context, GatewayClient client, string taskId, CancellationToken ct)
    {
        JsonNode task;
        try
        {
            task = GatewayOutput.Require(await client.GetAsync($"v1/tasks/{taskId}", ct));
        }
        catch (CliException)
        {
            return; // Only a hint: the stream goes on either way.
        }

        if ((string?)task["state"] == "verifying" && (string?)task["result"]?["windowEndsAt"] is { } windowEndsAt)
        {
            await context.Error.WriteLineAsync(
                $"waiting for the challenge window to end at {windowEndsAt}, when the agent is paid; `ainur task accept {taskId}` pays now, `ainur task dispute {taskId}` contests the result");
        }
    }
}
