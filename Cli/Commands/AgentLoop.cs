using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Ainur.Cli.Tasks;
using Ainur.Protocol.Identity;

namespace Ainur.Cli.Commands;

/// <summary>The work of <c>ainur agent run</c>: one item at a time, and the steps <see cref="AgentBatchLoop"/> shares.</summary>
internal sealed class AgentLoop(CliContext context, GatewayClient client, AgentKey key, LocalCommand runner, LocalCommand? judge, bool json)
{
    /// <summary>How long one poll waits: under the CLI's 30 s HTTP timeout, with room for the gateway's last slice.</summary>
    public const int PollSeconds = 20;

    /// <summary>Waits for one item and handles it: its exit code, or null when none came (or the gateway could not answer).</summary>
    public async Task<int?> NextAsync(CancellationToken ct)
    {
        GatewayResponse response;
        try
        {
            response = await client.GetSignedAsync($"v1/agents/{key.Did}/tasks/next?wait={PollSeconds}", key, ct);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.Unavailable)
        {
            return await RetryLaterAsync(e.Message, ct);
        }

        if (response.Status == HttpStatusCode.NoContent)
        {
            return null;
        }

        if ((int)response.Status >= 500)
        {
            return await RetryLaterAsync($"error: gateway answered {(int)response.Status}", ct);
        }

        var item = GatewayOutput.Require(response);
        try
        {
            return (string?)item["kind"] == "verify" ? await VerifyAsync(item, ct) : await ExecuteAsync(item, ct);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.Unavailable)
        {
            // The answer is lost with this item; the task times the attempt out and requeues it.
            await context.Error.WriteLineAsync(e.Message);
            return e.ExitCode;
        }
    }

    private async Task<int> ExecuteAsync(JsonNode item, CancellationToken ct)
    {
        var ran = await RunAsync(item, ct);
        var posted = await client.PostSignedAsync($"v1/tasks/{ran.TaskId}/result", JsonText.Object(ran.Body(withTaskId: false)), key, ct);
        return await ReportAsync(posted, ran);
    }

    /// <summary>Runs an execute item's task with CMD: what to post, and how to tell of it.</summary>
    public async Task<Ran> RunAsync(JsonNode item, CancellationToken ct)
    {
        var (taskId, attempt) = ((string)item["taskId"]!, (int)item["attempt"]!);
        var outcome = await runner.RunAsync(item["input"]?.ToJsonString() ?? "null", TimeLeft(item), ct);
        if (outcome.ExitCode == 0 && JsonText.TryCompact(outcome.Output, out var output))
        {
            return new Ran(item, taskId, attempt, [("output", new JsonText.Raw(output)), ("outputHash", JsonText.Hash(output).ToString())], "executed", null,
                view => $"executed attempt {attempt} of {TaskText.Task(view)}");
        }

        var why = outcome.ExitCode is { } exit && exit != 0 ? $"{runner} exited with code {exit}" : outcome.ExitCode is null ? $"{runner} did not finish" : $"{runner} wrote no JSON";
        var reason = outcome.ErrorTail.Trim() is { Length: > 0 } tail ? $"{why}: {tail}" : why;
        return new Ran(item, taskId, attempt, [("error", reason)], "failed", reason, view => $"failed attempt {attempt} of {taskId}: {reason}\n  the task is now {TaskText.Task(view)}");
    }

    /// <summary>Tells what became of a result or failure the gateway answered.</summary>
    public Task<int> ReportAsync(GatewayResponse response, Ran ran) => ReportAsync(response, ran.Item, ran.Outcome, ran.Reason, ran.Describe);

    /// <summary>Judges a disputed result and posts the verdict (one request per item: verdicts are not batched).</summary>
    public async Task<int> VerifyAsync(JsonNode item, CancellationToken ct)
    {
        var taskId = (string)item["taskId"]!;
        var input = item["input"]?.ToJsonString() ?? "null";
        byte[] body;
        if ((bool?)item["deterministic"] == true)
        {
            var rerun = await runner.RunAsync(input, TimeLeft(item), ct);
            if (rerun.ExitCode != 0 || !JsonText.TryCompact(rerun.Output, out var output))
            {
                return await SkipAsync(item, $"re-running {runner} gave no JSON output, so no verdict: {rerun.ErrorTail.Trim()}");
            }

            body = JsonText.Object(("outputHash", JsonText.Hash(output).ToString()));
        }
        else if (judge is not null)
        {
            var payload = JsonText.Object(("input", new JsonText.Raw(input)), ("output", new JsonText.Raw(item["output"]?.ToJsonString() ?? "null")));
            var verdict = await judge.RunAsync(System.Text.Encoding.UTF8.GetString(payload), TimeLeft(item), ct);
            if (verdict.ExitCode is null)
            {
                return await SkipAsync(item, $"{judge} did not finish: {verdict.ErrorTail.Trim()}");
            }

            body = JsonText.Object(("upholds", verdict.ExitCode == 0));
        }
        else
        {
            return await SkipAsync(item, "asked to judge a result, but no --judge command was given");
        }

        var response = await client.PostSignedAsync($"v1/tasks/{taskId}/verdict", body, key, ct);
        return await ReportAsync(response, item, "judged", null, view => $"judged {TaskText.Task(view)}");
    }

    // What became of an item: a line of text (or, with --json, one JSON object) on standard output; a refusal on standard error.
    private async Task<int> ReportAsync(GatewayResponse response, JsonNode item, string outcome, string? reason, Func<JsonNode, string> describe)
    {
        if (!json || (int)response.Status is < 200 or >= 300)
        {
            return await GatewayOutput.ReportAsync(context, response, json, describe);
        }

        await context.Output.WriteLineAsync(Line(item, outcome, reason, JsonNode.Parse(response.Body)));
        return ExitCodes.Ok;
    }

    private async Task<int> SkipAsync(JsonNode item, string reason)
    {
        await (json ? context.Output.WriteLineAsync(Line(item, "skipped", reason, null)) : context.Error.WriteLineAsync($"skipped: task {item["taskId"]}: {reason}"));
        return ExitCodes.Ok;
    }

    private static string Line(JsonNode item, string outcome, string? reason, JsonNode? task) => new JsonObject
    {
        ["taskId"] = item["taskId"]?.DeepClone(),
        ["attempt"] = item["attempt"]?.DeepClone(),
        ["kind"] = item["kind"]?.DeepClone(),
        ["outcome"] = outcome,
        ["reason"] = reason,
        ["task"] = task,
    }.ToJsonString();

    /// <summary>Says why nothing came, waits a second, and gives the caller nothing to handle.</summary>
    public async Task<int?> RetryLaterAsync(string message, CancellationToken ct)
    {
        await context.Error.WriteLineAsync($"{message}; retrying");
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        return null;
    }

    private static TimeSpan TimeLeft(JsonNode item) =>
        DateTimeOffset.TryParse((string?)item["deadline"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var deadline)
            ? deadline - DateTimeOffset.UtcNow
            : TimeSpan.FromMinutes(1);
}

/// <summary>
/// An execute item whose command ran: the members to post for its attempt (an output with its hash, or an error), the
/// outcome for the line that tells of it, and how to describe the task the gateway answers with.
/// </summary>
internal sealed record Ran(JsonNode Item, string TaskId, int Attempt, (string Name, object? Value)[] Members, string Outcome, string? Reason, Func<JsonNode, string> Describe)
{
    /// <summary>The body members: a single result's, or a batch item's with the task id first.</summary>
    public (string Name, object? Value)[] Body(bool withTaskId) =>
        [.. withTaskId ? [("taskId", (object?)TaskId)] : Array.Empty<(string, object?)>(), ("attempt", Attempt), .. Members];
}
