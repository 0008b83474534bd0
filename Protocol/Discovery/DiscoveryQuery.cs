using System.Globalization;
using System.Text;
using Ainur.Protocol.Agents;
using Orleans;

namespace Ainur.Protocol.Discovery;

/// <summary>A checked discovery query: the text (white space collapsed) and how many agents to return.</summary>
[GenerateSerializer, Immutable, Alias("ainur.DiscoveryQuery")]
public sealed record DiscoveryQuery([property: Id(0)] string Text, [property: Id(1)] int K)
{
    /// <summary>Longest query, in UTF-16 code units after collapsing white space: a need is a sentence or two, not a document.</summary>
    public const int MaxLength = 512;

    /// <summary>Fewest results a caller may ask for.</summary>
    public const int MinK = 1;

    /// <summary>Most results a caller may ask for.</summary>
    public const int MaxK = 50;

    /// <summary>Results when <c>k</c> is not given.</summary>
    public const int DefaultK = 10;

    /// <summary>
    /// Checks a query's text and <paramref name="k"/> (null: <see cref="DefaultK"/>). Refused: no text, text over
    /// <see cref="MaxLength"/>, text with control or hidden characters (<see cref="VisibleText"/>), text without a letter
    /// or digit, and k outside [<see cref="MinK"/>, <see cref="MaxK"/>]. Returns null with <paramref name="error"/> set
    /// when refused.
    /// </summary>
    public static DiscoveryQuery? TryCreate(string? text, int? k, out DiscoveryQueryError? error)
    {
        error = Check(text, k, out var collapsed);
        return error is null ? new DiscoveryQuery(collapsed!, k ?? DefaultK) : null;
    }

    private static DiscoveryQueryError? Check(string? text, int? k, out string? collapsed)
    {
        collapsed = null;
        if (k is < MinK or > MaxK)
        {
            return new DiscoveryQueryError("invalid-k", $"k must be a whole number from {MinK} to {MaxK}.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return new DiscoveryQueryError("invalid-q", "The query is empty: say in words what you need.");
        }

        // Length is checked before anything walks the text, so a huge query costs no more than its read.
        if (text.Length > MaxLength * 4)
        {
            return TooLong();
        }

        if ((FirstControl(text) ?? VisibleText.FirstHidden(text)) is { } hidden)
        {
            return new DiscoveryQueryError("invalid-q", $"The query holds a control or invisible character ({hidden}).");
        }

        collapsed = DiscoveryText.Collapse(text);
        if (collapsed.Length > MaxLength)
        {
            return TooLong();
        }

        return collapsed.EnumerateRunes().Any(Rune.IsLetterOrDigit)
            ? null
            : new DiscoveryQueryError("invalid-q", "The query has no letter or digit.");
    }

    private static DiscoveryQueryError TooLong() => new("invalid-q", $"The query is longer than {MaxLength} characters.");

    private static string? FirstControl(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            // Tabs and line breaks are white space a person may paste; every other control character is refused.
            if (char.GetUnicodeCategory(text[i]) == UnicodeCategory.Control && text[i] is not ('\t' or '\n' or '\r'))
            {
                return $"U+{(int)text[i]:X4} at index {i}";
            }
        }

        return null;
    }
}

/// <summary>Why a query was refused: a stable <paramref name="Code"/> and a sentence for people.</summary>
public sealed record DiscoveryQueryError(string Code, string Message);
