using System.CommandLine;
using Ainur.Cli.Tasks;

namespace Ainur.Cli.Commands;

/// <summary>
/// <c>ainur agent run --exec CMD</c>: a remote agent's loop. It long-polls the agent's feed (a signed
/// <c>GET /v1/agents/{did}/tasks/next</c>); each task's input JSON goes to CMD's standard input, and CMD's standard output,
/// which must be JSON, is posted as the result with its Blake2b hash (a non-zero exit or non-JSON output is posted as the
/// attempt's failure, with the end of standard error). Disputes it is asked to judge: for a deterministic capability CMD
/// runs again and the hash of its output is the verdict; otherwise <c>--judge</c> gets <c>{"input":…,"output":…}</c> and
/// upholds the result by exiting 0. Each item handled is a line on standard output (with <c>--json</c>, a JSON object); a
/// failed attempt's line carries its reason. Ctrl+C stops it between or during items (a running CMD is killed). With
/// <c>--parallel N</c>, <see cref="AgentBatchLoop"/> runs up to N items at once.
/// </summary>
internal static class AgentRunCommand
{
    public static Command Create(CliContext context)
    {
        var exec = new Option<string>("--exec") { Description = "The command that runs a task: input JSON on stdin, output JSON on stdout, e.g. \"python3 examples/agents/summarize-agent.py\".", Required = true };
        var judge = new Option<string?>("--judge") { Description = "The command that judges a disputed result: {\"input\":…,\"output\":…} on stdin; exit 0 upholds it. Without it, judging is skipped." };
        var once = new Option<bool>("--once") { Description = "Handle one item (with --parallel, the items of one poll), then exit." };
        var parallel = new Option<int>("--parallel")
        {
            Description = $"Run up to N items at once (1 to {AgentBatchLoop.MaxParallel}; default 1): polls hand out up to N items (?max=) and finished results "
                + "are posted together in one signed request (POST /v1/agents/{did}/results).",
            DefaultValueFactory = _ => 1,
        };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = new Option<bool>("--json")
        {
            Description = "Write one JSON object per handled item to standard output: {taskId, attempt, kind, outcome, reason, task}.",
        };
        var command = new Command("run", "Run this key's remote agent: take its tasks from the gateway, run them with --exec, post the results; Ctrl+C stops.")
        {
            exec, judge, once, parallel, keyOption, gateway, json,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var width = parse.GetValue(parallel);
            if (width is < 1 or > AgentBatchLoop.MaxParallel)
            {
                throw new CliException(ExitCodes.Usage, $"error: --parallel is 1 to {AgentBatchLoop.MaxParallel}, not {width}.");
            }

            var runner = LocalCommand.Parse(parse.GetValue(exec)!, "--exec");
            var judgeRunner = parse.GetValue(judge) is { } judgeLine ? LocalCommand.Parse(judgeLine, "--judge") : null;
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var loop = new AgentLoop(context, client, key, runner, judgeRunner, parse.GetValue(json));
            await context.Error.WriteLineAsync($"agent {key.Did} waiting for tasks (Ctrl+C stops)");
            try
            {
                if (width > 1)
                {
                    using var batches = new AgentBatchLoop(context, client, key, loop, width);
                    return await batches.RunAsync(parse.GetValue(once), ct);
                }

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
}
