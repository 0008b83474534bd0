using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Identity;

namespace Ainur.Cli.Ledger;

/// <summary>
/// Reads a validator-set file: the JSON of <c>GET /v1/ledger/validators</c> (what <c>ainur ledger validators --out</c>
/// saves), of which only <c>chainId</c>, <c>validators[].index</c> and <c>validators[].did</c> matter, plus
/// <c>validatorSetHash</c> when present, which must match the DIDs. Trust comes from where the file came from: check
/// its set hash against one published out of band.
/// </summary>
internal static class ValidatorSetFile
{
    /// <summary>The chain id and the validator set, in index order.</summary>
    /// <exception cref="CliException">Unreadable, not the expected JSON, or inconsistent (exit code 2).</exception>
    public static (string ChainId, ValidatorSet Validators) Read(string file)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw Invalid(file, e.Message);
        }

        if (root?["chainId"] is not JsonValue chain || !chain.TryGetValue<string>(out var chainId) || root["validators"] is not JsonArray entries || entries.Count == 0)
        {
            throw Invalid(file, "expected a JSON object with 'chainId' and a non-empty 'validators' array");
        }

        var members = new Did[entries.Count];
        foreach (var entry in entries)
        {
            if (entry?["index"] is not JsonValue indexValue || !indexValue.TryGetValue<int>(out var index) || index < 0 || index >= members.Length
                || members[index] != default || entry["did"] is not JsonValue didValue || !didValue.TryGetValue<string>(out var text)
                || !Did.TryParse(text, out var did, out _))
            {
                throw Invalid(file, "each validator needs a distinct 'index' from 0 to n-1 and a valid 'did'");
            }

            members[index] = did;
        }

        var validators = new ValidatorSet(ImmutableArray.Create(members));
        if (root["validatorSetHash"] is JsonValue hash && hash.TryGetValue<string>(out var claimed) && claimed != validators.Hash().ToString())
        {
            throw Invalid(file, $"'validatorSetHash' {claimed} is not the hash of the listed validators ({validators.Hash()})");
        }

        return (chainId, validators);
    }

    private static CliException Invalid(string file, string why) => new(ExitCodes.Input, $"error: validator-set file {file}: {why}.");
}
