using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Cli.Budgets;
using Ainur.Cli.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Cli.Commands;

/// <summary>
/// <c>ainur budget open|top-up|close|show</c>: credits set aside once for many tasks, which <c>task submit --budget</c>
/// pays from with vouchers. The transactions are signed here with the key file, never by the gateway.
/// </summary>
internal static class BudgetCommands
{
    /// <summary>How many heights ahead a budget expires unless told.</summary>
    private const long DefaultLifetime = 100_000;

    public static Command Create(CliContext context) => new("budget", "Open, top up, close and show budgets that pay for tasks (`task submit --budget ID`).")
    {
        Open(context),
        TopUp(context),
        Close(context),
        Show(context),
    };

    /// <summary>Parses a budget id argument or option (64 hex digits), or fails with the input exit code.</summary>
    public static Hash32 ParseId(string text) =>
        Hash32.TryParse(text, out var id) ? id : throw new CliException(ExitCodes.Input, "error: a budget id is 64 hex digits.");

    private static Command Open(CliContext context)
    {
        var amount = new Argument<long>("amount") { Description = "Whole credits moved from this key's balance into the budget." };
        var expiresIn = new Option<long>("--expires-in")
        {
            Description = $"Ledger heights from now until the budget expires and its rest returns (default {DefaultLifetime}).",
            DefaultValueFactory = _ => DefaultLifetime,
        };
        var nonce = new Option<long?>("--nonce") { Description = "The budget's nonce; with this key's DID it makes the budget id (default: random)." };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("open", "Sign a BudgetOpen with this key and send it (POST /v1/budgets); waits for finality and shows the budget.")
        {
            amount, expiresIn, nonce, keyOption, gateway, json,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            if (parse.GetValue(expiresIn) < 1)
            {
                throw new CliException(ExitCodes.Input, "error: --expires-in is at least 1 height.");
            }

            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var chainId = await SigningContext.ChainIdAsync(client, ct);
            var height = (long?)GatewayOutput.Require(await client.GetAsync($"v1/accounts/{key.Did}", ct))["height"] ?? 0;
            var budgetNonce = parse.GetValue(nonce) ?? BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;
            var open = new BudgetOpen(key.Did, budgetNonce, parse.GetValue(amount), height + parse.GetValue(expiresIn));
            var response = await client.PostSignedAsync("v1/budgets", Body(SignedTransaction.Sign(open, key, chainId)), key, ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), BudgetText.Budget);
        }));
        return command;
    }

    private static Command TopUp(CliContext context)
    {
        var id = IdArgument();
        var amount = new Argument<long>("amount") { Description = "Whole credits moved from this key's balance into the budget." };
        var nonce = new Option<long?>("--nonce") { Description = "The transaction's nonce (default: the account's last nonce + 1)." };
        var command = new Command("top-up", "Sign a BudgetTopUp with this key and send it (POST /v1/budgets/{id}/top-up); waits for finality.") { id, amount, nonce };
        return Relayed(context, command, id, async (parse, client, key, budgetId, ct) =>
        {
            var (chainId, useNonce) = await SigningContext.FetchAsync(client, key.Did, parse.GetValue(nonce), ct);
            return SignedTransaction.Sign(new BudgetTopUp(key.Did, budgetId, parse.GetValue(amount), useNonce), key, chainId);
        });
    }

    private static Command Close(CliContext context)
    {
        var id = IdArgument();
        var command = new Command(
            "close",
            "Sign a BudgetClose with this key and send it (POST /v1/budgets/{id}/close); waits for finality. The budget takes no new tasks; "
            + "its tasks still settle, then the rest returns to this key's balance.")
        {
            id,
        };
        return Relayed(context, command, id, async (_, client, key, budgetId, ct) =>
            SignedTransaction.Sign(new BudgetClose(key.Did, budgetId), key, await SigningContext.ChainIdAsync(client, ct)));
    }

    private static Command Show(CliContext context)
    {
        var id = IdArgument();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("show", "Show a budget: what it holds on the ledger and what this node has reserved on it (GET /v1/budgets/{id}).") { id, gateway, json };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var budgetId = ParseId(parse.GetValue(id)!);
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.GetAsync($"v1/budgets/{budgetId}", ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), BudgetText.Budget);
        }));
        return command;
    }

    // Completes command (its verb, the budget id and its own symbols) to sign the transaction sign() makes and post it to v1/budgets/{id}/{verb}.
    private static Command Relayed(
        CliContext context, Command command, Argument<string> id, Func<ParseResult, GatewayClient, AgentKey, Hash32, CancellationToken, Task<SignedTransaction>> sign)
    {
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        command.Add(keyOption);
        command.Add(gateway);
        command.Add(json);
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var budgetId = ParseId(parse.GetValue(id)!);
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var transaction = await sign(parse, client, key, budgetId, ct);
            var response = await client.PostSignedAsync($"v1/budgets/{budgetId}/{command.Name}", Body(transaction), key, ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), TxText.Status);
        }));
        return command;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The budget id (64 hex digits)." };

    private static byte[] Body(SignedTransaction transaction) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["transaction"] = Convert.ToBase64String(transaction.Encoded.Span) });
}
