using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans;

namespace Ainur.Protocol.Hashing;

/// <summary>
/// A 32-byte digest (Blake2b-256 throughout Ainur). Immutable: it owns a private copy of its bytes.
/// Equality and ordering are by content; text form is 64 lower-case hex digits. <c>default(Hash32)</c> reads as all zeros.
/// </summary>
[Immutable]
[JsonConverter(typeof(Hash32JsonConverter))]
public readonly struct Hash32 : IEquatable<Hash32>, IComparable<Hash32>
{
    /// <summary>Length of the digest in bytes.</summary>
    public const int Length = 32;

    private static readonly byte[] ZeroBytes = new byte[Length];

    private readonly byte[]? _bytes;

    /// <summary>Copies a 32-byte digest.</summary>
    /// <exception cref="ArgumentException">The input is not 32 bytes.</exception>
    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException("A hash is 32 bytes.", nameof(bytes));
        }

        _bytes = bytes.ToArray();
    }

    /// <summary>The all-zero hash, used where no previous value exists.</summary>
    public static Hash32 Zero => default;

    /// <summary>The digest's bytes.</summary>
    public ReadOnlySpan<byte> Span => _bytes ?? ZeroBytes;

    /// <summary>Parses 64 hex digits (either case).</summary>
    public static bool TryParse(string? text, out Hash32 hash)
    {
        hash = default;
        if (text is null || text.Length != 2 * Length)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Length)
        {
            return false;
        }

        hash = new Hash32(bytes);
        return true;
    }

    /// <summary>Parses 64 hex digits.</summary>
    /// <exception cref="FormatException">Not 64 hex digits.</exception>
    public static Hash32 Parse(string text) =>
        TryParse(text, out var hash) ? hash : throw new FormatException("A hash is 64 hex digits.");

    /// <summary>A copy of the digest's bytes.</summary>
    public byte[] ToArray() => Span.ToArray();

    /// <summary>64 lower-case hex digits.</summary>
    public override string ToString() => Convert.ToHexStringLower(Span);

    /// <inheritdoc/>
    public bool Equals(Hash32 other) => Span.SequenceEqual(other.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Hash32 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(Span);

    /// <inheritdoc/>
    public int CompareTo(Hash32 other) => Span.SequenceCompareTo(other.Span);

    /// <summary>Equality by content.</summary>
    public static bool operator ==(Hash32 left, Hash32 right) => left.Equals(right);

    /// <summary>Inequality by content.</summary>
    public static bool operator !=(Hash32 left, Hash32 right) => !left.Equals(right);

    /// <summary>Byte-wise order.</summary>
    public static bool operator <(Hash32 left, Hash32 right) => left.CompareTo(right) < 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator >(Hash32 left, Hash32 right) => left.CompareTo(right) > 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator <=(Hash32 left, Hash32 right) => left.CompareTo(right) <= 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator >=(Hash32 left, Hash32 right) => left.CompareTo(right) >= 0;
}

/// <summary>The Orleans wire and storage form of a <see cref="Hash32"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.Hash32")]
public readonly record struct Hash32Surrogate([property: Id(0)] byte[] Bytes);

/// <summary>Converts between <see cref="Hash32"/> and its surrogate; a stored value of the wrong length fails loudly.</summary>
[RegisterConverter]
public sealed class Hash32SurrogateConverter : IConverter<Hash32, Hash32Surrogate>
{
    /// <inheritdoc/>
    public Hash32 ConvertFromSurrogate(in Hash32Surrogate surrogate) => new(surrogate.Bytes);

    /// <inheritdoc/>
    public Hash32Surrogate ConvertToSurrogate(in Hash32 value) => new(value.ToArray());
}

/// <summary>Reads and writes a <see cref="Hash32"/> as a JSON string of 64 hex digits.</summary>
public sealed class Hash32JsonConverter : JsonConverter<Hash32>
{
    /// <inheritdoc/>
    public override Hash32 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && Hash32.TryParse(reader.GetString(), out var hash)
            ? hash
            : throw new JsonException("A hash must be a string of 64 hex digits.");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, Hash32 value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
