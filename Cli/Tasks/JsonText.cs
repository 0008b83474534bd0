using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Ainur.Protocol.Hashing;

namespace Ainur.Cli.Tasks;

/// <summary>
/// JSON values as the exact text sent to the gateway: compact, so the text hashed (a task's input, a result's output) is
/// the text sent, and anyone can recompute the hash from what the gateway returns.
/// </summary>
internal static class JsonText
{
    /// <summary>The compact form of <paramref name="text"/>, or false when it is not one JSON value.</summary>
    public static bool TryCompact(string text, [NotNullWhen(true)] out string? compact)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            compact = JsonSerializer.Serialize(document.RootElement);
            return true;
        }
        catch (JsonException)
        {
            compact = null;
            return false;
        }
    }

    /// <summary>The content hash the protocol uses for inputs and outputs: Blake2b-256 of the UTF-8 text.</summary>
    public static Hash32 Hash(string text) => Blake2b.Content(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// A JSON object of the given members in order; a <see cref="Raw"/> value is written as it is (already JSON text),
    /// other values as JSON strings, numbers and booleans. Null values are left out.
    /// </summary>
    public static byte[] Object(params (string Name, object? Value)[] members)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in members)
            {
                switch (value)
                {
                    case null:
                        break;
                    case Raw raw:
                        writer.WritePropertyName(name);
                        writer.WriteRawValue(raw.Json, skipInputValidation: true);
                        break;
                    case string text:
                        writer.WriteString(name, text);
                        break;
                    case long number:
                        writer.WriteNumber(name, number);
                        break;
                    case int number:
                        writer.WriteNumber(name, number);
                        break;
                    case bool flag:
                        writer.WriteBoolean(name, flag);
                        break;
                    default:
                        throw new ArgumentException($"Unsupported member type {value.GetType().Name}.", nameof(members));
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>JSON text to embed as it is.</summary>
    public sealed record Raw(string Json);
}
