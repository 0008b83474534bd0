using System.Text;

namespace Ainur.Protocol.Discovery;

/// <summary>
/// The text embedded for a capability: its id read as words (<c>audio.speech_to_text</c> as "audio speech to text"),
/// then its description. The id names the task in a few words and the description says how; embedding both lets a
/// query match either.
/// </summary>
public static class DiscoveryText
{
    /// <summary>The text to embed for a capability.</summary>
    public static string ForCapability(string capabilityId, string description)
    {
        ArgumentNullException.ThrowIfNull(capabilityId);
        ArgumentNullException.ThrowIfNull(description);
        var words = new StringBuilder(capabilityId.Length);
        foreach (var c in capabilityId)
        {
            words.Append(c is '.' or '_' or '-' ? ' ' : c);
        }

        return $"{words}: {Collapse(description)}";
    }

    /// <summary><paramref name="text"/> trimmed, with each run of white space made one space.</summary>
    public static string Collapse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                result.Append(' ');
                space = false;
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
