using System.Text;

namespace Ainur.Protocol.HttpSignatures;

/// <summary>The kinds of RFC 8941 bare items this parser accepts (decimals are refused).</summary>
internal enum SfKind
{
    Integer,
    String,
    Token,
    ByteSequence,
    Boolean,
}

/// <summary>One RFC 8941 bare item; <see cref="Text"/> holds strings and tokens, <see cref="Bytes"/> byte sequences.</summary>
internal readonly record struct SfItem(SfKind Kind, long Integer = 0, string? Text = null, byte[]? Bytes = null, bool Boolean = false);

/// <summary>An item or inner-list member with its parameters, in received order.</summary>
internal sealed record SfValue(
    SfItem Item,
    IReadOnlyList<SfValue>? InnerList,
    IReadOnlyList<KeyValuePair<string, SfItem>> Parameters)
{
    public bool IsInnerList => InnerList is not null;

    public SfItem? Parameter(string key)
    {
        foreach (var (k, v) in Parameters)
        {
            if (k == key)
            {
                return v;
            }
        }

        return null;
    }
}

/// <summary>A dictionary member: its value and the exact text of that value as received (after <c>=</c>).</summary>
internal sealed record SfMember(string Key, SfValue Value, string Raw);

/// <summary>
/// A small, strict parser for RFC 8941 dictionaries (§4.2.2) restricted to what HTTP signatures and
/// Content-Digest need: integers, strings, tokens, byte sequences, booleans, one level of inner lists.
/// It never throws on input; it allocates in proportion to the input, so callers cap the input length.
/// </summary>
internal static class StructuredFields
{
    private const int MaxIntegerDigits = 15;

    /// <summary>Parses a dictionary; duplicate keys keep the last value, in the first key's position (RFC 8941).</summary>
    public static bool TryParseDictionary(string input, out List<SfMember> members, out string? error)
    {
        members = [];
        var p = new Cursor(input);
        p.SkipSpaces();
        while (!p.AtEnd)
        {
            if (!p.TryKey(out var key))
            {
                return Fail("bad dictionary key", out error);
            }

            var start = p.Position;
            SfValue value;
            if (p.Peek == '=')
            {
                p.Advance();
                start = p.Position;
                if (!p.TryItemOrInnerList(out value, out error))
                {
                    return false;
                }
            }
            else
            {
                if (!p.TryParameters(out var parameters, out error))
                {
                    return false;
                }

                value = new SfValue(new SfItem(SfKind.Boolean, Boolean: true), null, parameters);
            }

            var member = new SfMember(key, value, input[start..p.Position]);
            var existing = members.FindIndex(m => m.Key == key);
            if (existing >= 0)
            {
                members[existing] = member;
            }
            else
            {
                members.Add(member);
            }

            p.SkipOws();
            if (p.AtEnd)
            {
                break;
            }

            if (p.Peek != ',')
            {
                return Fail("expected ',' between dictionary members", out error);
            }

            p.Advance();
            p.SkipOws();
            if (p.AtEnd)
            {
                return Fail("trailing ',' in dictionary", out error);
            }
        }

        error = null;
        return true;
    }

    /// <summary>Serializes a string as an RFC 8941 sf-string; the caller checked <see cref="IsValidString"/>.</summary>
    public static string SerializeString(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Whether every character is printable ASCII, as an sf-string requires.</summary>
    public static bool IsValidString(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static bool Fail(string reason, out string? error)
    {
        error = reason;
        return false;
    }

    private static bool IsLcAlpha(char c) => c is >= 'a' and <= 'z';

    private static bool IsAlpha(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsTokenChar(char c) =>
        IsAlpha(c) || IsDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^'
            or '_' or '`' or '|' or '~' or ':' or '/';

    private static bool IsBase64Char(char c) => IsAlpha(c) || IsDigit(c) || c is '+' or '/' or '=';

    private ref struct Cursor(string input)
    {
        private readonly string _input = input;

        public int Position { get; private set; }

        public readonly bool AtEnd => Position >= _input.Length;

        public readonly char Peek => AtEnd ? '\0' : _input[Position];

        public void Advance() => Position++;

        public void SkipSpaces()
        {
            while (Peek == ' ')
            {
                Position++;
            }
        }

        public void SkipOws()
        {
            while (Peek is ' ' or '\t')
            {
                Position++;
            }
        }

        public bool TryKey(out string key)
        {
            key = "";
            var start = Position;
            if (!(IsLcAlpha(Peek) || Peek == '*'))
            {
                return false;
            }

            Position++;
            while (IsLcAlpha(Peek) || IsDigit(Peek) || Peek is '_' or '-' or '.' or '*')
            {
                Position++;
            }

            key = _input[start..Position];
            return true;
        }

        public bool TryItemOrInnerList(out SfValue value, out string? error)
        {
            value = null!;
            if (Peek != '(')
            {
                return TryItem(out value, out error);
            }

            Position++;
            var items = new List<SfValue>();
            while (true)
            {
                SkipSpaces();
                if (AtEnd)
                {
                    return Fail("unterminated inner list", out error);
                }

                if (Peek == ')')
                {
                    Position++;
                    if (!TryParameters(out var parameters, out error))
                    {
                        return false;
                    }

                    value = new SfValue(default, items, parameters);
                    return true;
                }

                if (!TryItem(out var item, out error))
                {
                    return false;
                }

                items.Add(item);
                if (Peek is not (' ' or ')'))
                {
                    return Fail("expected a space or ')' in inner list", out error);
                }
            }
        }

        public bool TryParameters(out List<KeyValuePair<string, SfItem>> parameters, out string? error)
        {
            parameters = [];
            while (Peek == ';')
            {
                Position++;
                SkipSpaces();
                if (!TryKey(out var key))
                {
                    return Fail("bad parameter key", out error);
                }

                var value = new SfItem(SfKind.Boolean, Boolean: true);
                if (Peek == '=')
                {
                    Position++;
                    if (!TryBareItem(out value, out error))
                    {
                        return false;
                    }
                }

                var existing = parameters.FindIndex(kv => kv.Key == key);
                if (existing >= 0)
                {
                    parameters[existing] = new(key, value);
                }
                else
                {
                    parameters.Add(new(key, value));
                }
            }

            error = null;
            return true;
        }

        private bool TryItem(out SfValue value, out string? error)
        {
            value = null!;
            if (!TryBareItem(out var item, out error) || !TryParameters(out var parameters, out error))
            {
                return false;
            }

            value = new SfValue(item, null, parameters);
            return true;
        }

        private bool TryBareItem(out SfItem item, out string? error)
        {
            item = default;
            var c = Peek;
            if (c == '-' || IsDigit(c))
            {
                return TryInteger(out item, out error);
            }

            if (c == '"')
            {
                return TryString(out item, out error);
            }

            if (IsAlpha(c) || c == '*')
            {
                var start = Position++;
                while (IsTokenChar(Peek))
                {
                    Position++;
                }

                item = new SfItem(SfKind.Token, Text: _input[start..Position]);
                error = null;
                return true;
            }

            if (c == ':')
            {
                return TryByteSequence(out item, out error);
            }

            if (c == '?')
            {
                Position++;
                if (Peek is not ('0' or '1'))
                {
                    return Fail("bad boolean", out error);
                }

                item = new SfItem(SfKind.Boolean, Boolean: Peek == '1');
                Position++;
                error = null;
                return true;
            }

            return Fail(AtEnd ? "value expected" : "unexpected character", out error);
        }

        private bool TryInteger(out SfItem item, out string? error)
        {
            item = default;
            var negative = Peek == '-';
            if (negative)
            {
                Position++;
            }

            long value = 0;
            var digits = 0;
            while (IsDigit(Peek))
            {
                if (++digits > MaxIntegerDigits)
                {
                    return Fail("integer too long", out error);
                }

                value = (value * 10) + (Peek - '0');
                Position++;
            }

            if (digits == 0)
            {
                return Fail("digit expected", out error);
            }

            if (Peek == '.')
            {
                return Fail("decimals are not supported", out error);
            }

            item = new SfItem(SfKind.Integer, Integer: negative ? -value : value);
            error = null;
            return true;
        }

        private bool TryString(out SfItem item, out string? error)
        {
            item = default;
            Position++;
            var text = new StringBuilder();
            while (!AtEnd)
            {
                var c = _input[Position++];
                if (c == '"')
                {
                    item = new SfItem(SfKind.String, Text: text.ToString());
                    error = null;
                    return true;
                }

                if (c == '\\')
                {
                    if (Peek is not ('"' or '\\'))
                    {
                        return Fail("bad escape in string", out error);
                    }

                    c = _input[Position++];
                }
                else if (c is < ' ' or > '~')
                {
                    return Fail("string holds a character outside printable ASCII", out error);
                }

                text.Append(c);
            }

            return Fail("unterminated string", out error);
        }

        private bool TryByteSequence(out SfItem item, out string? error)
        {
            item = default;
            var start = ++Position;
            while (IsBase64Char(Peek))
            {
                Position++;
            }

            if (Peek != ':')
            {
                return Fail("unterminated or invalid byte sequence", out error);
            }

            var encoded = _input.AsSpan(start, Position - start);
            Position++;
            var bytes = new byte[(encoded.Length * 3 / 4) + 3];
            if (!Convert.TryFromBase64Chars(encoded, bytes, out var written))
            {
                return Fail("byte sequence is not valid base64", out error);
            }

            item = new SfItem(SfKind.ByteSequence, Bytes: bytes[..written]);
            error = null;
            return true;
        }
    }
}
