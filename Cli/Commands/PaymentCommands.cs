using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Cli.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Cli.Commands;

/// <summary><c>ainur faucet</c>, <c>balance</c>, <c>transfer</c>, <c>stake</c> and <c>unstake</c>: credits on the ledger.</summary>
internal static class PaymentCommands
{
    public static Command Faucet(CliContext context)
    {
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("faucet", "Get test credits for this key's DID (POST /v1/faucet; standalone nodes only).") { keyOption, gateway, json };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.PostSignedAsync("v1/faucet", "{}"u8.ToArray(), key, ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), TxText.Status);
        }));
        return command;
    }

    public static Command Balance(CliContext context)
    {
        var did = new Argument<string?>("did") { Description = "The account's DID (default: this key's).", Arity = ArgumentArity.ZeroOrOne };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("balance", "Show an account's balance, stake and nonce (GET /v1/accounts/{did}).") { did, keyOption, gateway, json };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var account = parse.GetValue(did) is { } text ? ParseDid(text, "DID") : KeyCommands.ReadDid(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.GetAsync($"v1/accounts/{account}", ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), TxText.Account);
        }));
        return command;
    }

    public static Command Transfer(CliContext context)
    {
        var to = new Option<string>("--to") { Description = "The recipient's DID.", Required = true };
        var amount = new Option<long>("--amount") { Description = "Whole credits to send.", Required = true };
        var nonce = new Option<long?>("--nonce") { Description = "The transfer's nonce (default: the account's last nonce + 1)." };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("transfer", "Sign a transfer with this key and send it (POST /v1/transfers); waits for finality.")
        {
            to, amount, nonce, keyOption, gateway, json,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var recipient = ParseDid(parse.GetValue(to)!, "--to");
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var (chainId, useNonce) = await SigningContext.FetchAsync(client, key.Did, parse.GetValue(nonce), ct);

            var body = new Transfer(key.Did, recipient, parse.GetValue(amount), useNonce);
            var signature = key.Sign(SignedTransaction.SigningBytes(chainId, body));
            var request = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
            {
                ["to"] = recipient.Value,
                ["amount"] = body.Amount,
                ["nonce"] = body.Nonce,
                ["signature"] = Convert.ToBase64String(signature),
            });
            var response = await client.PostSignedAsync("v1/transfers", request, key, ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), TxText.Status);
        }));
        return command;
    }

    public static Command Stake(CliContext context) => OwnTransaction(
        context, "stake", "Move credits of this key's balance into its stake (POST /v1/stake); waits for finality.", "v1/stake",
        (account, amount, nonce) => new Stake(account, amount, nonce));

    public static Command Unstake(CliContext context) => OwnTransaction(
        context, "unstake",
        "Start unbonding stake (POST /v1/unstake); waits for finality. The credits return to the balance after the ledger's unbonding period.",
        "v1/unstake", (account, amount, nonce) => new Unstake(account, amount, nonce));

    // A command AMOUNT [--nonce N] that signs body(signer, amount, nonce) with this key and posts it to path as {"transaction": base64}.
    private static Command OwnTransaction(CliContext context, string name, string description, string path, Func<Did, long, long, TxBody> body)
    {
        var amount = new Argument<long>("amount") { Description = "Whole credits." };
        var nonce = new Option<long?>("--nonce") { Description = "The transaction's nonce (default: the account's last nonce + 1)." };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command(name, description) { amount, nonce, keyOption, gateway, json };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var (chainId, useNonce) = await SigningContext.FetchAsync(client, key.Did, parse.GetValue(nonce), ct);
            var transaction = SignedTransaction.Sign(body(key.Did, parse.GetValue(amount), useNonce), key, chainId);
            var request = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["transaction"] = Convert.ToBase64String(transaction.Encoded.Span) });
            var response = await client.PostSignedAsync(path, request, key, ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), TxText.Status);
        }));
        return command;
    }

    private static Did ParseDid(string text, string what) =>
        Did.TryParse(text, out var did, out var error) ? did : throw new CliException(ExitCodes.Input, $"error: {what} is not a valid DID: {error}.");
}
