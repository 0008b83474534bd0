using System.Buffers.Binary;
using System.Text;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Canonical;

/// <summary>
/// Writes the canonical binary form of protocol values: the only bytes that are ever hashed or signed.
/// Integers are fixed-width big-endian; byte strings and text (UTF-8) carry a 4-byte big-endian length;
/// a DID is its 32-byte Ed25519 public key; a hash is its 32 bytes; an optional value is a 0/1 flag byte
/// followed by the value when present. One value has exactly one encoding, so equal bytes mean equal values.
/// </summary>
public sealed class CanonicalWriter
{
    private byte[] _buffer;
    private int _length;

    /// <summary>Creates a writer with room for <paramref name="capacity"/> bytes before it grows.</summary>
    public CanonicalWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    /// <summary>The bytes written so far; valid until the next write.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>A copy of the bytes written so far.</summary>
    public byte[] ToArray() => Written.ToArray();

    /// <summary>Writes one byte.</summary>
    public CanonicalWriter U8(byte value)
    {
        Reserve(1)[0] = value;
        return this;
    }

    /// <summary>Writes false as 0 and true as 1.</summary>
    public CanonicalWriter Bool(bool value) => U8(value ? (byte)1 : (byte)0);

    /// <summary>Writes a 32-bit signed integer, big-endian.</summary>
    public CanonicalWriter I32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        return this;
    }

    /// <summary>Writes a 64-bit signed integer, big-endian.</summary>
    public CanonicalWriter I64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
        return this;
    }

    /// <summary>Writes <paramref name="value"/> as it is, without a length (for fixed-size fields).</summary>
    public CanonicalWriter Raw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Reserve(value.Length));
        return this;
    }

    /// <summary>Writes a 4-byte length and then the bytes.</summary>
    public CanonicalWriter Bytes(ReadOnlySpan<byte> value) => I32(value.Length).Raw(value);

    /// <summary>Writes text as a 4-byte length and its UTF-8 bytes.</summary>
    public CanonicalWriter Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var count = System.Text.Encoding.UTF8.GetByteCount(value);
        I32(count);
        System.Text.Encoding.UTF8.GetBytes(value, Reserve(count));
        return this;
    }

    /// <summary>Writes a hash's 32 bytes.</summary>
    public CanonicalWriter Hash(Hash32 value) => Raw(value.Span);

    /// <summary>Writes a flag byte and, when present, the hash.</summary>
    public CanonicalWriter OptionalHash(Hash32? value) => value is { } hash ? U8(1).Hash(hash) : U8(0);

    /// <summary>Writes a DID as its 32-byte public key.</summary>
    /// <exception cref="ArgumentException">The DID is <c>default</c>.</exception>
    public CanonicalWriter Did(Did value)
    {
        var key = value.PublicKey.Span;
        if (key.Length != 32)
        {
            throw new ArgumentException("default(Did) has no canonical form.", nameof(value));
        }

        return Raw(key);
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
