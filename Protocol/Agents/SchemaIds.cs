using System.Text;
using System.Text.Json;
using Ainur.Protocol.Hashing;

namespace Ainur.Protocol.Agents;

/// <summary>
/// How a capability's JSON Schema is stored and named. A manifest's schema is kept as its compact JSON text
/// (<see cref="Compact"/>), and its id is the plain Blake2b-256 of that text's UTF-8 bytes (<see cref="Of"/>): the
/// <c>schema</c> of each input-schema error, and what a task's input is matched to. Agents that declare equal
/// schemas (same compact text) share one id.
/// </summary>
public static class SchemaIds
{
    /// <summary>
    /// The compact text System.Text.Json writes for <paramref name="schema"/> with default options: no whitespace,
    /// members and array items in their order, strings re-escaped by the default encoder.
    /// </summary>
    public static string Compact(JsonElement schema) => JsonSerializer.Serialize(schema);

    /// <summary>The id of a schema given as its compact text: Blake2b-256 of the UTF-8 bytes, no domain byte.</summary>
    public static Hash32 Of(string compactText)
    {
        ArgumentNullException.ThrowIfNull(compactText);
        return Blake2b.Content(Encoding.UTF8.GetBytes(compactText));
    }
}
