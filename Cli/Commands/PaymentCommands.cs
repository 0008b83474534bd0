using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Cli.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Cli.Commands;

/// <summary><c>ainur faucet</c>, <c>ainur balance</c> and <c>ainur transfer</c>: credits on the ledger.</summary>
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
            var chainId = (string?)GatewayOutput.Require(await client.GetAsync("v1/ledger/validators", ct))["chainId"]
                ?? throw new CliException(ExitCodes.Unavailable, "error: the gateway did not say which chain it serves.");
            var useNonce = parse.GetValue(nonce)
                ?? ((long?)GatewayOutput.Require(await client.GetAsync($"v1/accounts/{key.Did}", ct))["nonce"] ?? 0) + 1;

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

    private static Did ParseDid(string text, string what) =>
        Did.TryParse(text, out var did, out var error) ? did : throw new CliException(ExitCodes.Input, $"error: {what} is not a valid DID: {error}.");
}
