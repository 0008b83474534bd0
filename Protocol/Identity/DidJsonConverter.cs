using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ainur.Protocol.Identity;

/// <summary>
/// Reads and writes a <see cref="Did"/> as its JSON string value. Reading anything that is not a string holding a
/// valid Ed25519 <c>did:key</c> fails with a <see cref="JsonException"/> whose message gives the reason.
/// </summary>
public sealed class DidJsonConverter : JsonConverter<Did>
{
    /// <inheritdoc/>
    public override Did Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A DID must be a JSON string.");
        }

        return Did.TryParse(reader.GetString(), out var did, out var error)
            ? did
            : throw new JsonException($"Invalid DID: {error}.");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, Did value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}
