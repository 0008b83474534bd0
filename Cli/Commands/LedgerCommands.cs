using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Ainur.Cli.Ledger;
using Ainur.Protocol.Hashing;

namespace Ainur.Cli.Commands;

/// <summary><c>ainur tx show</c> and <c>ainur ledger validators</c>: reading the ledger and saving what <c>ainur verify</c> checks.</summary>
internal static class LedgerCommands
{
    public static Command Tx(CliContext context) => new("tx", "Look up ledger transactions.") { ShowTx(context) };

    public static Command Ledger(CliContext context) => new("ledger", "Look at the ledger itself.") { Validators(context) };

    private static Command ShowTx(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "The transaction id (64 hex digits)." };
        var proofOut = new Option<string?>("--proof-out") { Description = "Write the payment proof (binary, for `ainur verify`) to this file; the transaction must be final." };
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("show", "Show a transaction's status (GET /v1/ledger/txs/{id}) and save its payment proof.") { id, proofOut, gateway, json };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            if (!Hash32.TryParse(parse.GetValue(id), out var transactionId))
            {
                throw new CliException(ExitCodes.Input, "error: a transaction id is 64 hex digits.");
            }

            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.GetAsync($"v1/ledger/txs/{transactionId}", ct);
            if (parse.GetValue(proofOut) is { } file)
            {
                var proof = (string?)GatewayOutput.Require(response)["proof"]
                    ?? throw new CliException(ExitCodes.Refused, $"error: transaction {transactionId} is not final yet: no proof to write.");
                await WriteAsync(file, Convert.FromBase64String(proof), ct);
            }

            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), TxText.Status);
        }));
        return command;
    }

    private static Command Validators(CliContext context)
    {
        var output = new Option<string?>("--out") { Description = "Also write the answer (JSON) to this file: the validator-set file `ainur verify --validators` reads." };
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("validators", "Show the chain id and the validators (GET /v1/ledger/validators).") { output, gateway, json };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.GetAsync("v1/ledger/validators", ct);
            if (parse.GetValue(output) is { } file)
            {
                GatewayOutput.Require(response);
                await WriteAsync(file, Encoding.UTF8.GetBytes(response.Body), ct);
            }

            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), Describe);
        }));
        return command;
    }

    private static string Describe(JsonNode view)
    {
        var validators = view["validators"] as JsonArray ?? new JsonArray();
        var text = new StringBuilder($"chain {view["chainId"]}: {validators.Count} validators, quorum {view["quorum"]}, set hash {view["validatorSetHash"]}");
        foreach (var validator in validators)
        {
            var state = (bool?)validator?["online"] == true
                ? $"online, finalized {validator?["finalizedHeight"]}, at {validator?["height"]}/{validator?["round"]}/{validator?["step"]} on {validator?["silo"]}"
                : "offline or not answering";
            text.Append($"\n  {validator?["index"]}  {validator?["did"]}  {state}");
        }

        return text.ToString();
    }

    private static async Task WriteAsync(string file, byte[] bytes, CancellationToken ct)
    {
        try
        {
            await File.WriteAllBytesAsync(file, bytes, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Input, $"error: cannot write {file}: {e.Message}");
        }
    }
}
