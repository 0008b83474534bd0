using System.Buffers.Binary;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Canonical;

/// <summary>
/// Reads what <see cref="CanonicalWriter"/> wrote. Every read checks bounds; malformed input (truncated, a length
/// past the end or over <see cref="MaxLength"/>, a flag that is neither 0 nor 1, a key that is not a valid DID,
/// invalid UTF-8) throws <see cref="FormatException"/>, never anything else, so decoders of untrusted bytes catch one type.
/// </summary>
public ref struct CanonicalReader
{
    /// <summary>The largest length prefix accepted for one byte string or text (16 MiB).</summary>
    public const int MaxLength = 16 << 20;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(false, true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Starts reading at the first byte of <paramref name="data"/>.</summary>
    public CanonicalReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>True when every byte has been read.</summary>
    public readonly bool AtEnd => _position == _data.Length;

    /// <summary>Bytes read so far.</summary>
    public readonly int Position => _position;

    /// <summary>The bytes read from offset <paramref name="start"/> up to the current position.</summary>
    public readonly ReadOnlySpan<byte> ReadSince(int start) => _data[start.._position];

    /// <summary>Reads one byte.</summary>
    public byte U8() => Take(1)[0];

    /// <summary>Reads a 0/1 flag.</summary>
    public bool Bool() => U8() switch
    {
        0 => false,
        1 => true,
        var other => throw new FormatException($"A flag byte must be 0 or 1, not {other}."),
    };

    /// <summary>Reads a 32-bit big-endian integer.</summary>
    public int I32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    /// <summary>Reads a 64-bit big-endian integer.</summary>
    public long I64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>Reads exactly <paramref name="count"/> bytes with no length prefix.</summary>
    public ReadOnlySpan<byte> Raw(int count) => Take(count);

    /// <summary>Reads a length-prefixed byte string.</summary>
    public byte[] Bytes() => Take(Length()).ToArray();

    /// <summary>Reads length-prefixed UTF-8 text.</summary>
    public string Text()
    {
        var bytes = Take(Length());
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("Text is not valid UTF-8.", e);
        }
    }

    /// <summary>Reads a 32-byte hash.</summary>
    public Hash32 Hash() => new(Take(Hash32.Length));

    /// <summary>Reads a flag and, when set, a hash.</summary>
    public Hash32? OptionalHash() => Bool() ? Hash() : null;

    /// <summary>Reads a DID written as its 32-byte public key.</summary>
    public Did Did()
    {
        var key = Take(32);
        try
        {
            return Identity.Did.FromPublicKey(key);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("Not an Ed25519 public key.", e);
        }
    }

    /// <summary>Reads a count of items that follow, each at least <paramref name="minItemSize"/> bytes.</summary>
    public int Count(int minItemSize)
    {
        var count = I32();
        if (count < 0 || (long)count * Math.Max(1, minItemSize) > _data.Length - _position)
        {
            throw new FormatException($"Item count {count} does not fit in the remaining {_data.Length - _position} bytes.");
        }

        return count;
    }

    /// <summary>Throws unless every byte has been read: trailing bytes would give one value two encodings.</summary>
    public readonly void EnsureEnd()
    {
        if (!AtEnd)
        {
            throw new FormatException($"{_data.Length - _position} unexpected trailing bytes.");
        }
    }

    private int Length()
    {
        var length = I32();
        if (length < 0 || length > MaxLength)
        {
            throw new FormatException($"Length {length} is out of range.");
        }

        return length;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw new FormatException($"Input ends early: {count} bytes needed at offset {_position}, {_data.Length - _position} left.");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
