using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Cli.Ledger;
using Ainur.Protocol.Ledger.Proofs;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Cli.Commands;

/// <summary>
/// <c>ainur verify PROOF --validators FILE</c>: checks a payment proof offline (no network) against a validator set:
/// the transaction's signature, its Merkle path to the block's transaction root, and the commit certificate's
/// precommits from more than two thirds of the validators over that block's header.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var proofFile = new Argument<string>("proof") { Description = "The payment proof file (as written by `ainur tx show ID --proof-out FILE`)." };
        var validatorsFile = new Option<string>("--validators") { Description = "The validator-set file (as written by `ainur ledger validators --out FILE`).", Required = true };
        var json = AinurCli.JsonOption();
        var command = new Command("verify", "Check a payment proof offline against a validator set; exit code 0 when it holds, 5 when it does not.")
        {
            proofFile, validatorsFile, json,
        };
        command.SetAction((parse, _) => AinurCli.RunAsync(context, async () =>
        {
            var (chainId, validators) = ValidatorSetFile.Read(parse.GetValue(validatorsFile)!);
            var bytes = Read(parse.GetValue(proofFile)!);
            PaymentProof proof;
            try
            {
                proof = PaymentProof.Decode(bytes);
            }
            catch (FormatException e)
            {
                return await RefuseAsync(context, $"not a readable payment proof: {e.Message}", parse.GetValue(json));
            }

            if (proof.Verify(validators, chainId) is { } reason)
            {
                return await RefuseAsync(context, reason, parse.GetValue(json));
            }

            var proven = Describe(proof, chainId, validators.Count);
            await context.Output.WriteLineAsync(parse.GetValue(json) ? proven.ToJsonString() : Text(proven));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static byte[] Read(string file)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Input, $"error: cannot read proof {file}: {e.Message}");
        }
    }

    private static async Task<int> RefuseAsync(CliContext context, string reason, bool json)
    {
        if (json)
        {
            await context.Output.WriteLineAsync(new JsonObject { ["valid"] = false, ["reason"] = reason }.ToJsonString());
        }

        await context.Error.WriteLineAsync($"invalid: {reason}");
        return ExitCodes.Invalid;
    }

    private static JsonObject Describe(PaymentProof proof, string chainId, int validatorCount) => new()
    {
        ["valid"] = true,
        ["transactionId"] = proof.Transaction.Id.ToString(),
        ["kind"] = JsonNamingPolicy.CamelCase.ConvertName(proof.Transaction.Body.Kind.ToString()),
        ["fields"] = Fields(proof.Transaction.Body),
        ["chainId"] = chainId,
        ["height"] = proof.Header.Height,
        ["position"] = proof.Path.Index,
        ["blockHash"] = proof.Header.Hash.ToString(),
        ["time"] = DateTimeOffset.FromUnixTimeMilliseconds(proof.Header.TimeUnixMs).ToString("O"),
        ["signers"] = proof.Certificate.Signatures.Length,
        ["validators"] = validatorCount,
    };

    private static JsonObject Fields(TxBody body) => body switch
    {
        Transfer t => new() { ["from"] = t.From.Value, ["to"] = t.To.Value, ["amount"] = t.Amount, ["nonce"] = t.Nonce },
        Stake s => new() { ["account"] = s.Account.Value, ["amount"] = s.Amount, ["nonce"] = s.Nonce },
        Unstake u => new() { ["account"] = u.Account.Value, ["amount"] = u.Amount, ["nonce"] = u.Nonce },
        EscrowLock e => new() { ["payer"] = e.Payer.Value, ["escrowId"] = e.EscrowId.ToString(), ["amount"] = e.Amount },
        ProtocolBatch b => new() { ["orchestrator"] = b.Orchestrator.Value, ["sequence"] = b.Sequence, ["operations"] = b.Operations.Length },
        _ => new JsonObject(),
    };

    private static string Text(JsonObject proven)
    {
        var text = new StringBuilder(
            $"valid: {proven["kind"]} {proven["transactionId"]} is final at height {proven["height"]} of chain {proven["chainId"]}");
        TxText.AppendFields(text, proven["fields"] as JsonObject);
        text.Append($"\n  block   {proven["blockHash"]} at {proven["time"]}, certified by {proven["signers"]} of {proven["validators"]} validators");
        return text.ToString();
    }
}
