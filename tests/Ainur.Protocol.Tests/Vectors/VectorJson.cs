using System.Collections;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>How vector values become JSON: bytes as lower-case hex, DIDs as text, records as their fields.</summary>
internal static class VectorJson
{
    /// <summary>Two-space indentation, LF line ends, no escaping beyond what JSON needs: the files diff well.</summary>
    public static readonly JsonSerializerOptions FileOptions = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static string Hex(ReadOnlyMemory<byte> bytes) => Hex(bytes.Span);

    /// <summary>The text of a vector file: the JSON and a final line break.</summary>
    public static string FileText(JsonObject vector) => vector.ToJsonString(FileOptions) + "\n";

    /// <summary>
    /// A record's constructor parameters in declaration order (the canonical field order), named in camelCase. Read by
    /// reflection so a field added to a record shows up in its vector without touching the generator.
    /// </summary>
    public static JsonObject Fields(object record)
    {
        var constructor = record.GetType().GetConstructors().Single();
        var fields = new JsonObject();
        foreach (var parameter in constructor.GetParameters())
        {
            var property = record.GetType().GetProperty(parameter.Name!, BindingFlags.Public | BindingFlags.Instance)!;
            fields[JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!)] = Value(property.GetValue(record));
        }

        return fields;
    }

    /// <summary>A record as its kind (type name) followed by its fields.</summary>
    public static JsonObject Tagged(object record)
    {
        var tagged = new JsonObject { ["kind"] = record.GetType().Name };
        foreach (var (name, value) in Fields(record).ToList())
        {
            tagged[name] = value?.DeepClone();
        }

        return tagged;
    }

    private static JsonNode? Value(object? value) => value switch
    {
        null => null,
        Did did => did.Value,
        Hash32 hash => hash.ToString(),
        string text => text,
        bool flag => flag,
        int number => number,
        long number => number,
        byte[] bytes => Hex(bytes),
        Enum kind => kind.ToString(),
        IEnumerable items => new JsonArray([.. items.Cast<object?>().Select(Value)]),
        ProtocolOp op => Tagged(op),
        _ when value.GetType().GetConstructors().Length == 1 => Fields(value),
        _ => throw new NotSupportedException($"No vector form for {value.GetType().Name}."),
    };

    /// <summary>A list of JSON nodes as an array.</summary>
    public static JsonArray Array(IEnumerable<JsonNode?> items) => new([.. items]);

    /// <summary>Hashes as an array of hex strings.</summary>
    public static JsonArray Hashes(IEnumerable<Hash32> hashes) => Array(hashes.Select(h => (JsonNode?)h.ToString()));
}
