using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using static Ainur.Protocol.Tests.Vectors.VectorJson;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>identity.json, canonical.json and hashing.json: keys and DIDs, the canonical primitives, Blake2b-256 and its domain bytes.</summary>
internal static class IdentityVectors
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static JsonObject Identity()
    {
        var keys = VectorKeys.All.Select(k => (JsonNode?)new JsonObject
        {
            ["name"] = k.Name,
            ["seed"] = Hex(k.Seed),
            ["publicKey"] = Hex(k.Did.PublicKey),
            ["multicodecKey"] = Hex([0xed, 0x01, .. k.Did.PublicKey.Span]),
            ["did"] = k.Did.Value,
            ["didDocument"] = JsonSerializer.SerializeToNode(DidDocument.For(k.Did), Web),
        });
        var message = "ainur"u8.ToArray();
        return new JsonObject
        {
            ["description"] = "Ed25519 keys from 32-byte seeds (RFC 8032), their did:key identifiers and DID documents; one signature.",
            ["reference"] = "docs/protocol.md#2-identity-and-keys",
            ["keys"] = Array(keys),
            ["signature"] = new JsonObject
            {
                ["key"] = VectorKeys.Alice.Name,
                ["message"] = Hex(message),
                ["signature"] = Hex(VectorKeys.Alice.Key.Sign(message)),
            },
        };
    }

    public static JsonObject Canonical()
    {
        var samples = new (string Type, JsonNode Value, Action<CanonicalWriter> Write)[]
        {
            ("u8", 7, w => w.U8(7)),
            ("bool", false, w => w.Bool(false)),
            ("bool", true, w => w.Bool(true)),
            ("i32", 1, w => w.I32(1)),
            ("i32", -1, w => w.I32(-1)),
            ("i64", "1234567890123", w => w.I64(1_234_567_890_123)),
            ("i64", "-2", w => w.I64(-2)),
            ("i64", "9223372036854775807", w => w.I64(long.MaxValue)),
            ("bytes", "", w => w.Bytes([])),
            ("bytes", "00ff10", w => w.Bytes([0x00, 0xff, 0x10])),
            ("text", "", w => w.Text("")),
            ("text", "ainur", w => w.Text("ainur")),
            ("text", "héllo €😀", w => w.Text("héllo €😀")),
            ("hash", Blake2b.Content("x"u8).ToString(), w => w.Hash(Blake2b.Content("x"u8))),
            ("optionalHash", null!, w => w.OptionalHash(null)),
            ("optionalHash", Blake2b.Content("x"u8).ToString(), w => w.OptionalHash(Blake2b.Content("x"u8))),
            ("did", VectorKeys.Alice.Did.Value, w => w.Did(VectorKeys.Alice.Did)),
        };
        return new JsonObject
        {
            ["description"] = "The canonical encoding of each primitive. i64 values are given as decimal strings (they may exceed 2^53).",
            ["reference"] = "docs/protocol.md#1-conventions",
            ["values"] = Array(samples.Select(s =>
            {
                var writer = new CanonicalWriter();
                s.Write(writer);
                return (JsonNode?)new JsonObject { ["type"] = s.Type, ["value"] = s.Value?.DeepClone(), ["encoded"] = Hex(writer.Written) };
            })),
        };
    }

    public static JsonObject Hashing()
    {
        var input = "ainur"u8.ToArray();
        return new JsonObject
        {
            ["description"] = "BLAKE2b with a 32-byte digest (BLAKE2b-256: digest length 32 in the parameter block, no key), plain and domain-separated.",
            ["reference"] = "docs/protocol.md#1-conventions",
            ["plain"] = Array(new[] { ""u8.ToArray(), input, Encoding.UTF8.GetBytes("{\"text\": \"hello\"}") }.Select(data =>
                (JsonNode?)new JsonObject { ["input"] = Hex(data), ["hash"] = Blake2b.Content(data).ToString() })),
            ["domains"] = Array(Enum.GetValues<HashDomain>().Select(domain => (JsonNode?)new JsonObject
            {
                ["name"] = domain.ToString(),
                ["byte"] = Hex([(byte)domain]),
                ["input"] = Hex(input),
                ["hash"] = Blake2b.Hash(domain, input).ToString(),
            })),
        };
    }
}
