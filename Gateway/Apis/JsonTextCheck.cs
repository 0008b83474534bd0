using System.Text.Json;
using System.Text.Unicode;

namespace Ainur.Gateway.Apis;

/// <summary>
/// The text rules a request body must meet before any member of it is read: valid UTF-8, no object with the same
/// member name twice, and no string (member names included) whose escapes leave a lone UTF-16 surrogate. Parsers
/// disagree on both (first or last duplicate wins; a lone surrogate is replaced, kept or refused), so a body that
/// breaks them would mean different things to the gateway, the schema checker and the readers of a stored task.
/// </summary>
internal static class JsonTextCheck
{
    /// <summary>Null when <paramref name="utf8"/> is one JSON value that meets the rules; else why not, for the caller.</summary>
    public static string? FindViolation(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            return "The body is not valid UTF-8.";
        }

        var reader = new Utf8JsonReader(utf8);
        var names = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        // Unescaped, so "a" and "\u0061" are the same name.
                        var name = reader.GetString()!;
                        if (!names.Peek().Add(name))
                        {
                            return $"The member '{name}' appears twice in one object (at byte {reader.TokenStartIndex}); every member name must be unique.";
                        }

                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        _ = reader.GetString();
                        break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // GetString refuses an escape that leaves half of a surrogate pair.
            return $"A string near byte {reader.TokenStartIndex} escapes a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair); such text is not Unicode.";
        }
        catch (JsonException e)
        {
            return e.Message;
        }

        return null;
    }
}
