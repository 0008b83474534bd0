using System.CommandLine;
using Ainur.Cli.Ledger;
using Ainur.Cli.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.Cli.Commands;

/// <summary><c>ainur task submit|watch|accept|cancel|dispute</c>: paid tasks, as their client.</summary>
internal static class TaskCommands
{
    public static Command Create(CliContext context) => new("task", "Submit paid tasks and follow, accept, cancel or dispute them.")
    {
        Submit(context),
        Watch(context),
        ClientCommand(context, "accept", "Accept the posted result: the agent is paid now (POST /v1/tasks/{id}/accept)."),
        ClientCommand(context, "cancel", "Cancel a task no agent has taken yet; the payment is refunded (POST /v1/tasks/{id}/cancel)."),
        Dispute(context),
    };

    private static Command Submit(CliContext context)
    {
        var capability = new Option<string?>("--capability") { Description = "The capability id, e.g. text.summarize (or --need)." };
        var need = new Option<string?>("--need") { Description = "What you need, in words: the capability of the best eligible agent (ainur discover) is used." };
        var input = new Option<string>("--input") { Description = "The input: JSON text, or @FILE to read it from a file.", Required = true };
        var maxPrice = new Option<long>("--max-price") { Description = "The most you pay, in whole credits; locked in escrow (or reserved on the budget) until the task ends.", Required = true };
        var deadline = new Option<string>("--deadline") { Description = "When the task must be done: a duration (90s, 10m, 2h, 1d) or an RFC 3339 time.", DefaultValueFactory = _ => "10m" };
        var salt = new Option<string?>("--salt") { Description = "Makes the task distinct from an earlier one with equal terms (default: random)." };
        var budget = new Option<string?>("--budget") { Description = "Pay from this budget of yours (its id) with a voucher signed by this key, instead of an escrow lock." };
        var noWatch = new Option<bool>("--no-watch") { Description = "Return once the task is submitted instead of following it to its end." };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command(
            "submit",
            "Sign the task's escrow lock (or, with --budget, its voucher) with this key and submit the task (POST /v1/tasks); then show each transition "
            + "until it ends (exit 0 settled, 6 failed or cancelled).")
        {
            capability, need, input, maxPrice, deadline, salt, budget, noWatch, keyOption, gateway, json,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(capability) is null) == (result.GetValue(need) is null))
            {
                result.AddError("give either --capability or --need (one of them).");
            }
        });
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var inputText = ReadInput(parse.GetValue(input)!);
            var budgetId = parse.GetValue(budget) is { } budgetText ? BudgetCommands.ParseId(budgetText) : (Hash32?)null;
            var deadlineAt = TaskDeadline.Parse(parse.GetValue(deadline)!, DateTimeOffset.UtcNow);
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            // A need is resolved here, before signing: the client's signature covers the capability it pays for.
            var capabilityId = parse.GetValue(capability) ?? await DiscoverCommand.ResolveAsync(client, parse.GetValue(need)!, parse.GetValue(maxPrice), ct);
            var terms = new TaskTerms(
                key.Did,
                capabilityId,
                JsonText.Hash(inputText),
                parse.GetValue(maxPrice),
                deadlineAt.ToUnixTimeMilliseconds(),
                parse.GetValue(salt) ?? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));
            var taskId = terms.TaskId();
            var paymentLock = budgetId is null ? await SignLockAsync(client, key, TaskEscrows.Payment(taskId), terms.MaxPrice, terms.Deadline, ct) : null;
            var voucher = budgetId is { } id
                ? Convert.ToBase64String(new Voucher(id, taskId, terms.MaxPrice).Sign(key, await SigningContext.ChainIdAsync(client, ct)))
                : null;
            var body = JsonText.Object(
                ("capability", terms.Capability),
                ("input", new JsonText.Raw(inputText)),
                ("maxPrice", terms.MaxPrice),
                ("deadline", TaskDeadline.Format(deadlineAt)),
                ("salt", terms.Salt),
                ("paymentLock", paymentLock),
                ("budget", budgetId?.ToString()),
                ("voucher", voucher));
            var submitted = GatewayOutput.Require(await client.PostSignedAsync("v1/tasks", body, key, ct));
            await context.Output.WriteLineAsync(parse.GetValue(json) ? submitted.ToJsonString() : $"submitted: {taskId}");
            return parse.GetValue(noWatch) ? ExitCodes.Ok : await TaskWatch.FollowAsync(context, client, taskId.ToString(), parse.GetValue(json), ct);
        }));
        return command;
    }

    private static Command Watch(CliContext context)
    {
        var id = TaskIdArgument();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("watch", "Show a task's transitions, from the first, until it ends (GET /v1/tasks/{id}/events); exit 0 settled, 6 failed or cancelled.")
        {
            id, gateway, json,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var taskId = ParseTaskId(parse.GetValue(id)!);
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            return await TaskWatch.FollowAsync(context, client, taskId.ToString(), parse.GetValue(json), ct);
        }));
        return command;
    }

    private static Command ClientCommand(CliContext context, string verb, string description)
    {
        var id = TaskIdArgument();
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command(verb, description) { id, keyOption, gateway, json };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var taskId = ParseTaskId(parse.GetValue(id)!);
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.PostSignedAsync($"v1/tasks/{taskId}/{verb}", "{}"u8.ToArray(), key, ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), TaskText.Task);
        }));
        return command;
    }

    private static Command Dispute(CliContext context)
    {
        var id = TaskIdArgument();
        var reason = new Option<string?>("--reason") { Description = "Why the result is wrong, for the record." };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command(
            "dispute",
            "Dispute the posted result within the challenge window: locks the node's dispute bond with this key (POST /v1/tasks/{id}/dispute). "
            + "Verifier agents judge; the losing side pays.")
        {
            id, reason, keyOption, gateway, json,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var taskId = ParseTaskId(parse.GetValue(id)!);
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var task = GatewayOutput.Require(await client.GetAsync($"v1/tasks/{taskId}", ct));
            var bond = (long?)task["disputeBond"] ?? throw new CliException(ExitCodes.Unavailable, "error: the gateway did not say how large the dispute bond is.");
            // The bond lock expires with the challenge window; without a result there is nothing to dispute (the gateway says so).
            var expiry = (long?)task["result"]?["bondLockExpiry"] ?? 0;
            var bondLock = await SignLockAsync(client, key, TaskEscrows.DisputeBond(taskId), bond, expiry, ct);
            var body = JsonText.Object(("reason", parse.GetValue(reason)), ("bondLock", bondLock));
            var response = await client.PostSignedAsync($"v1/tasks/{taskId}/dispute", body, key, ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), TaskText.Task);
        }));
        return command;
    }

    // The base64 signed EscrowLock of amount from this key under escrowId until expiry (Unix ms), for the gateway's chain.
    private static async Task<string> SignLockAsync(GatewayClient client, AgentKey key, Hash32 escrowId, long amount, long expiry, CancellationToken ct)
    {
        var chainId = await SigningContext.ChainIdAsync(client, ct);
        var transaction = SignedTransaction.Sign(new EscrowLock(key.Did, escrowId, amount, expiry), key, chainId);
        return Convert.ToBase64String(transaction.Encoded.Span);
    }

    private static string ReadInput(string text)
    {
        if (text.StartsWith('@'))
        {
            try
            {
                text = File.ReadAllText(text[1..]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Input, $"error: cannot read input {text[1..]}: {e.Message}");
            }
        }

        return JsonText.TryCompact(text, out var compact) ? compact : throw new CliException(ExitCodes.Input, "error: --input is not valid JSON.");
    }

    private static Argument<string> TaskIdArgument() => new("id") { Description = "The task id (64 hex digits)." };

    private static Hash32 ParseTaskId(string text) =>
        Hash32.TryParse(text, out var id) ? id : throw new CliException(ExitCodes.Input, "error: a task id is 64 hex digits.");
}
