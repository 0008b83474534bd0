using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.HttpSignatures;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger;
using static Ainur.Protocol.Tests.Vectors.VectorJson;
using static Ainur.Protocol.Tests.Vectors.VectorKeys;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>development.json (a standalone node's public keys), http-signatures.json and schema-ids.json.</summary>
internal static class NodeVectors
{
    public static JsonObject Development()
    {
        var validators = Enumerable.Range(0, 4).Select(DevelopmentKeys.Validator).ToList();
        using var orchestrator = DevelopmentKeys.Orchestrator();
        using var faucet = DevelopmentKeys.Faucet();
        return new JsonObject
        {
            ["description"] = "The keys of a standalone node left at its defaults (development keys: seeds are BLAKE2b-256 of public labels, so they guard nothing).",
            ["reference"] = "docs/protocol.md#9-fees-settlement-and-the-treasury",
            ["chainId"] = DevelopmentKeys.ChainId,
            ["validators"] = Array(validators.Select((k, i) => (JsonNode?)Key($"validator/{i}", k))),
            ["validatorSetHash"] = new ValidatorSet([.. validators.Select(v => v.Did)]).Hash().ToString(),
            ["orchestrator"] = Key("orchestrator", orchestrator),
            ["treasury"] = orchestrator.Did.Value,
            ["faucet"] = Key("faucet", faucet),
        };
    }

    public static JsonObject HttpSignatures()
    {
        var body = "{}"u8.ToArray();
        return new JsonObject
        {
            ["description"] = "RFC 9421 request signatures (ed25519, label sig1) with an RFC 9530 Content-Digest: the signature base is what the key signs.",
            ["reference"] = "docs/protocol.md#11-http-request-signatures",
            ["signer"] = Alice.Name,
            ["requests"] = Array(
            [
                Request("POST with a body", "POST", $"/v1/agents/{Alice.Did}/deregister", "", body, 1_767_225_600, "n-0001"),
                Request("GET with a query, no body", "GET", $"/v1/agents/{Alice.Did}/tasks/next", "?wait=25", [], 1_767_225_601, "n-0002"),
                Request("POST without body or nonce", "POST", "/v1/tasks/" + new string('0', 64) + "/accept", "", [], 1_767_225_602, null),
            ]),
        };
    }

    public static JsonObject SchemaIds()
    {
        string[] sent =
        [
            """{ "type": "object", "required": ["text"], "properties": { "text": { "type": "string" } } }""",
            """{"type":"object","properties":{"text":{"type":"string","maxLength":1000}}}""",
            """{ "type" : "string", "pattern" : "^a<b>+é$", "description": "\u0041 café & 'q' \"dq\" `t` \\ /" }""",
        ];
        return new JsonObject
        {
            ["description"] = "A capability's input schema as sent, the compact text the node keeps, and its id (BLAKE2b-256 of the compact text's UTF-8, no domain byte): the `schema` of each input-schema error.",
            ["reference"] = "docs/protocol.md#12-input-schema-ids-and-schema-errors",
            ["schemas"] = Array(sent.Select(text =>
            {
                using var document = JsonDocument.Parse(text);
                var compact = Ainur.Protocol.Agents.SchemaIds.Compact(document.RootElement);
                return (JsonNode?)new JsonObject { ["sent"] = text, ["compact"] = compact, ["id"] = Ainur.Protocol.Agents.SchemaIds.Of(compact).ToString() };
            })),
        };
    }

    private static JsonObject Key(string label, AgentKey key) => new()
    {
        ["label"] = "ainur-dev/" + label,
        ["seed"] = Hex(DevelopmentKeys.Seed(label)),
        ["did"] = key.Did.Value,
    };

    private static JsonObject Request(string name, string method, string path, string query, byte[] body, long created, string? nonce)
    {
        const string authority = "127.0.0.1:5080";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (body.Length != 0)
        {
            headers[ContentDigest.FieldName] = ContentDigest.Compute(body);
        }

        var unsigned = new HttpRequestParts(method, authority, path, query, n => headers.GetValueOrDefault(n)) { Body = body };
        var (input, signature) = HttpMessageSigner.Sign(Alice.Key, unsigned, body.Length != 0, created, nonce);
        headers[HttpMessageVerifier.SignatureInputField] = input;
        headers[HttpMessageVerifier.SignatureField] = signature;

        // The base is rebuilt from the components the Signature-Input lists; it must be what the key signed.
        var parameters = input["sig1=".Length..];
        var components = parameters[1..parameters.IndexOf(')', StringComparison.Ordinal)].Split(' ').Select(c => c.Trim('"'));
        Assert.Equal(SignatureBase.Problem.None, SignatureBase.TryBuild(unsigned, components, parameters, out var signatureBase, out _));
        Assert.True(Alice.Did.Verify(signatureBase, Convert.FromBase64String(signature["sig1=:".Length..^1])));
        Assert.True(HttpMessageVerifier.Verify(unsigned, body.Length != 0, created, SignaturePolicy.Default).Ok);

        return new JsonObject
        {
            ["case"] = name,
            ["method"] = method,
            ["authority"] = authority,
            ["path"] = path,
            ["query"] = query,
            ["body"] = Encoding.UTF8.GetString(body),
            ["created"] = created,
            ["nonce"] = nonce,
            ["contentDigest"] = headers.GetValueOrDefault(ContentDigest.FieldName),
            ["signatureBase"] = Encoding.UTF8.GetString(signatureBase),
            ["signatureInput"] = input,
            ["signature"] = signature,
        };
    }
}
