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
/// upholds the result by exiting 0. Ctrl+C stops it between or during items (a running CMD is killed).
/// </summary>
internal static class AgentRunCommand
{
    // Under the CLI's 30 s HTTP timeout, with room for the gateway's last slice.
    private const int PollSeconds = 20;

    public static Command Create(CliContext context)
    {
        var exec = new Option<string>("--exec") { Description = "The command that runs a task: input JSON on stdin, output JSON on stdout, e.g. \"python3 summarize.py\".", Required = true };
        var judge = new Option<string?>("--judge") { Description = "The command that judges a disputed result: {\"input\":…,\"output\":…} on stdin; exit 0 upholds it. Without it, judging is skipped." };
        var once = new Option<bool>("--once") { Description = "Handle one item, then exit." };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var command = new Command("run", "Run this key's remote agent: take its tasks from the gateway, run them with --exec, post the results; Ctrl+C stops.")
        {
            exec, judge, once, keyOption, gateway,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var runner = LocalCommand.Parse(parse.GetValue(exec)!, "--exec");
            var judgeRunner = parse.GetValue(judge) is { } judgeLine ? LocalCommand.Parse(judgeLine, "--judge") : null;
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var loop = new AgentLoop(context, client, key, runner, judgeRunner);
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

    private sealed class AgentLoop(CliContext context, GatewayClient client, AgentKey key, LocalCommand runner, LocalCommand? judge)
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
            byte[] body;
            if (outcome.ExitCode == 0 && JsonText.TryCompact(outcome.Output, out var output))
            {
                body = JsonText.Object(("attempt", attempt), ("output", new JsonText.Raw(output)), ("outputHash", JsonText.Hash(output).ToString()));
            }
            else
            {
                var why = outcome.ExitCode is { } exit && exit != 0 ? $"{runner} exited with code {exit}" : outcome.ExitCode is null ? $"{runner} did not finish" : $"{runner} wrote no JSON";
                body = JsonText.Object(("attempt", attempt), ("error", $"{why}: {outcome.ErrorTail.Trim()}"));
            }

            var response = await client.PostSignedAsync($"v1/tasks/{taskId}/result", body, key, ct);
            return await GatewayOutput.ReportAsync(context, response, json: false, view => $"executed attempt {attempt} of {TaskText.Task(view)}");
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
                    await context.Error.WriteLineAsync($"skipped: task {taskId}: re-running {runner} gave no JSON output, so no verdict: {rerun.ErrorTail.Trim()}");
                    return ExitCodes.Ok;
                }

                body = JsonText.Object(("outputHash", JsonText.Hash(output).ToString()));
            }
            else if (judge is not null)
            {
                var payload = JsonText.Object(("input", new JsonText.Raw(input)), ("output", new JsonText.Raw(item["output"]?.ToJsonString() ?? "null")));
                var verdict = await judge.RunAsync(System.Text.Encoding.UTF8.GetString(payload), TimeLeft(item), ct);
                if (verdict.ExitCode is null)
                {
                    await context.Error.WriteLineAsync($"skipped: task {taskId}: {judge} did not finish: {verdict.ErrorTail.Trim()}");
                    return ExitCodes.Ok;
                }

                body = JsonText.Object(("upholds", verdict.ExitCode == 0));
            }
            else
            {
                await context.Error.WriteLineAsync($"skipped: task {taskId}: asked to judge a result, but no --judge command was given");
                return ExitCodes.Ok;
            }

            var response = await client.PostSignedAsync($"v1/tasks/{taskId}/verdict", body, key, ct);
            return await GatewayOutput.ReportAsync(context, response, json: false, view => $"judged {TaskText.Task(view)}");
        }

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
