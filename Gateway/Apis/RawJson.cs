using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ainur.Gateway.Apis;

/// <summary>
/// A JSON value kept as the exact text it was received as and written back byte for byte (no re-encoding, no
/// whitespace change), so that a hash over that text (a task's input or output hash) can be checked by whoever reads it.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly record struct RawJson(string Text);

/// <summary>Reads any JSON value as its raw text and writes the text as it is.</summary>
public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    /// <inheritdoc/>
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(value.Text, skipInputValidation: true);
    }
}
