using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Ainur.Cli.Tasks;
using Ainur.Protocol.Identity;

namespace Ainur.Cli.Commands;

/// <summary>
/// <c>ainur agent run --exec CMD</c>: a remote agent's loop. It long-polls the agent's feed (a signed
/// <c>GET /v1/agents/{did}/tasks/next</c>); each task's input JSON goes to CMD's standard input, and CMD's standard output,
/// which must be JSON, is posted as the result with its Blake2b hash (a non-zero exit or non-JSON output is posted as the
/// attempt's failure, with the end of standard error). Disputes it is asked to judge: for a deterministic capability CMD
/// runs again and the hash of its output is the verdict; otherwise <c>--judge</c> gets <c>{"input":…,"output":…}</c> and
/// upholds the result by exiting 0. Each item handled is a line on standard output (with <c>--json</c>, a JSON object); a
/// failed attempt's line carries its reason. Ctrl+C stops it between or during items (a running CMD is killed).
/// </summary>
internal static class AgentRunCommand
{
    // Under the CLI's 30 s HTTP timeout, with room for the gateway's last slice.
    private const int PollSeconds = 20;

    public static Command Create(CliContext context)
    {
        var exec = new Option<string>("--exec") { Description = "The command that runs a task: input JSON on stdin, output JSON on stdout, e.g. \"python3 examples/agents/summarize-agent.py\".", Required = true };
        var judge = new Option<string?>("--judge") { Description = "The command that judges a disputed result: {\"input\":…,\"output\":…} on stdin; exit 0 upholds it. Without it, judging is skipped." };
        var once = new Option<bool>("--once") { Description = "Handle one item, then exit." };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = new Option<bool>("--json")
        {
            Description = "Write one JSON object per handled item to standard output: {taskId, attempt, kind, outcome, reason, task}.",
        };
        var command = new Command("run", "Run this key's remote agent: take its tasks from the gateway, run them with --exec, post the results; Ctrl+C stops.")
        {
            exec, judge, once, keyOption, gateway, json,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var runner = LocalCommand.Parse(parse.GetValue(exec)!, "--exec");
            var judgeRunner = parse.GetValue(judge) is { } judgeLine ? LocalCommand.Parse(judgeLine, "--judge") : null;
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var loop = new AgentLoop(context, client, key, runner, judgeRunner, parse.GetValue(json));
            await context.Error.WriteLineAsync($"agent {key.Did} waiting for tasks (Ctrl+C stops)");
            try
            {
                while (true)
                {
                    if (await loop.NextAsync(ct) is { } code && parse.GetValue(once))
                    {
                        return code;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await context.Error.WriteLineAsync("stopped");
                return ExitCodes.Ok;
            }
        }));
        return command;
    }

    private sealed class AgentLoop(CliContext context, GatewayClient client, AgentKey key, LocalCommand runner, LocalCommand? judge, bool json)
    {
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
            var (taskId, attempt) = ((string)item["taskId"]!, (int)item["attempt"]!);
            var outcome = await runner.RunAsync(item["input"]?.ToJsonString() ?? "null", TimeLeft(item), ct);
            if (outcome.ExitCode == 0 && JsonText.TryCompact(outcome.Output, out var output))
            {
                var result = JsonText.Object(("attempt", attempt), ("output", new JsonText.Raw(output)), ("outputHash", JsonText.Hash(output).ToString()));
                var posted = await client.PostSignedAsync($"v1/tasks/{taskId}/result", result, key, ct);
                return await ReportAsync(posted, item, "executed", null, view => $"executed attempt {attempt} of {TaskText.Task(view)}");
            }

            var why = outcome.ExitCode is { } exit && exit != 0 ? $"{runner} exited with code {exit}" : outcome.ExitCode is null ? $"{runner} did not finish" : $"{runner} wrote no JSON";
            var reason = outcome.ErrorTail.Trim() is { Length: > 0 } tail ? $"{why}: {tail}" : why;
            var failure = JsonText.Object(("attempt", attempt), ("error", reason));
            var response = await client.PostSignedAsync($"v1/tasks/{taskId}/result", failure, key, ct);
            return await ReportAsync(response, item, "failed", reason, view => $"failed attempt {attempt} of {taskId}: {reason}\n  the task is now {TaskText.Task(view)}");
        }

        private async Task<int> VerifyAsync(JsonNode item, CancellationToken ct)
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

        private async Task<int?> RetryLaterAsync(string message, CancellationToken ct)
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
}
