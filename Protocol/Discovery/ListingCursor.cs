using System.Buffers.Text;
using System.Text;

namespace Ainur.Protocol.Discovery;

/// <summary>
/// The opaque cursor of a paged listing: the sort key of the page's last item, so the next page starts just after it
/// (stable under inserts and removals between pages: nothing is skipped or repeated that stayed put). Callers must
/// treat it as opaque; it is base64url of a versioned prefix and the key, and a cursor that does not decode to one is refused.
/// </summary>
public static class ListingCursor
{
    /// <summary>Longest cursor accepted, in characters.</summary>
    public const int MaxLength = 1024;

    private const string Prefix = "c1:";

    /// <summary>The cursor that resumes after <paramref name="lastKey"/>.</summary>
    public static string Encode(string lastKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(lastKey);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + lastKey));
    }

    /// <summary>The key a cursor resumes after, or null when <paramref name="cursor"/> is not one this class made.</summary>
    public static string? TryDecode(string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        if (cursor.Length is 0 or > MaxLength || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return text.StartsWith(Prefix, StringComparison.Ordinal) && text.Length > Prefix.Length && Encode(text[Prefix.Length..]) == cursor
            ? text[Prefix.Length..]
            : null;
    }
}
