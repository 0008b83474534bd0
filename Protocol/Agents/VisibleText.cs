using System.Globalization;
using System.Text;

namespace Ainur.Protocol.Agents;

/// <summary>
/// Finds characters that change how text reads without being seen: bidirectional controls (U+202A-U+202E,
/// U+2066-U+2069, U+200E, U+200F, U+061C), zero-width characters (U+200B-U+200D, U+2060, U+FEFF) and every other format
/// character (category Cf), line and paragraph separators, private-use and unassigned code points, unpaired surrogates,
/// and the Hangul fillers that render as blanks. Names and descriptions are shown to people choosing an agent; such
/// characters let one text pass for another.
/// </summary>
public static class VisibleText
{
    /// <summary>The first hidden character of <paramref name="text"/> as "U+XXXX at index n", or null when there is none.</summary>
    public static string? FirstHidden(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var index = 0;
        while (index < text.Length)
        {
            var status = Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var length);
            if (status != System.Buffers.OperationStatus.Done)
            {
                return $"an unpaired surrogate at index {index}";
            }

            if (IsHidden(rune))
            {
                return $"U+{rune.Value:X4} at index {index}";
            }

            index += length;
        }

        return null;
    }

    private static bool IsHidden(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate
        || rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0;
}
