using System.Text.Json.Serialization;
using Ainur.Protocol.Caching;
using NSec.Cryptography;
using Orleans;
using SimpleBase;

namespace Ainur.Protocol.Identity;

/// <summary>
/// A <c>did:key</c> identifier for an Ed25519 public key: the multicodec prefix <c>ed25519-pub</c>
/// (unsigned varint 0xed, i.e. bytes <c>0xed 0x01</c>) followed by the 32-byte key, encoded as multibase
/// base58btc (prefix <c>z</c>), so every value starts with <c>did:key:z6Mk</c>.
/// </summary>
/// <remarks>
/// Invariant: a <see cref="Did"/> obtained from <see cref="Parse"/>, <see cref="TryParse"/> or
/// <see cref="FromPublicKey"/> holds a canonical <see cref="Value"/> and its decoded <see cref="PublicKey"/>.
/// Equality and hashing use <see cref="Value"/> only. Only <see cref="Value"/> is serialized (Orleans through <see cref="DidSurrogate"/>, and JSON);
/// the key is decoded again when needed. <c>default(Did)</c> is not a valid identifier: its <see cref="Value"/> is empty.
/// </remarks>
[Immutable]
[JsonConverter(typeof(DidJsonConverter))]
public readonly record struct Did
{
    /// <summary>The <c>did:key:</c> prefix every value starts with.</summary>
    public const string Prefix = "did:key:";

    private const int PublicKeyLength = 32;
    private const int SignatureLength = 64;

    // Longer inputs cannot hold a 34-byte payload; refusing them early keeps base58 decoding cheap on hostile text.
    private const int MaxEncodedLength = 64;

    // The decoder indexes a table by character: anything outside the alphabet (non-ASCII above all) is refused first.
    private static readonly System.Buffers.SearchValues<char> Base58Alphabet =
        System.Buffers.SearchValues.Create("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");

    // Null only for default(Did). Shared by copies of this value, so the text and the imported key are computed at most
    // once per decoded DID: ledger blocks decode thousands of DIDs that are compared and verified, rarely printed.
    private readonly KeyHolder? _holder;

    // DIDs seen lately, parsed: every signed request names its signer's, and decoding base58 and importing the key
    // cost more than the rest of reading the request. Only valid ones are kept, so a flood of junk only costs decoding.
    private static readonly GenerationalCache<string, Did> Parsed = new(4096);

    private Did(string? value, byte[] publicKey) => _holder = new KeyHolder(publicKey, value);

    /// <summary>The canonical identifier, e.g. <c>did:key:z6Mk…</c>; null for <c>default(Did)</c>.</summary>
    public string Value => _holder is null ? null! : _holder.Text;

    /// <summary>The raw 32-byte Ed25519 public key; empty for <c>default(Did)</c>.</summary>
    public ReadOnlyMemory<byte> PublicKey => _holder?.Key ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>
    /// Parses <paramref name="text"/> as an Ed25519 <c>did:key</c>. Never throws; on failure
    /// <paramref name="error"/> says why in words fit for an end user.
    /// </summary>
    public static bool TryParse(string? text, out Did did, out string? error)
    {
        error = null;
        if (text is not null && Parsed.TryGet(text, out did))
        {
            return true;
        }

        did = default;
        if (!TryDecode(text, out var key, out error))
        {
            return false;
        }

        did = new Did(text!, key);
        Parsed.Add(text!, did);
        return true;
    }

    /// <summary>Parses <paramref name="text"/> as an Ed25519 <c>did:key</c>.</summary>
    /// <exception cref="FormatException">The text is not one; the message says why.</exception>
    public static Did Parse(string text) =>
        TryParse(text, out var did, out var error) ? did : throw new FormatException($"Invalid DID: {error}.");

    /// <summary>Formats a raw 32-byte Ed25519 public key as a <c>did:key</c>.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static Did FromPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeyLength)
        {
            throw new ArgumentException("An Ed25519 public key is 32 bytes.", nameof(publicKey));
        }

        return new Did(null, publicKey.ToArray());
    }

    /// <summary>
    /// Checks an Ed25519 signature (RFC 8032, 64 bytes) over <paramref name="data"/> by this DID's key.
    /// Returns false for any malformed input, including <c>default(Did)</c>; never throws.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return false;
        }

        return _holder?.Imported is { } publicKey && SignatureAlgorithm.Ed25519.Verify(publicKey, data, signature);
    }

    /// <summary>Equality by key, which is equality by <see cref="Value"/>: the text is canonical.</summary>
    public bool Equals(Did other) => PublicKey.Span.SequenceEqual(other.PublicKey.Span);

    /// <inheritdoc/>
    public override int GetHashCode() => _holder is null ? 0 : System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(_holder.Key);

    /// <summary>Returns <see cref="Value"/>.</summary>
    public override string ToString() => Value ?? string.Empty;

    private static bool TryDecode(string? text, out byte[] publicKey, out string? error)
    {
        publicKey = [];
        if (string.IsNullOrEmpty(text))
        {
            error = "empty";
            return false;
        }

        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = "not a did:key";
            return false;
        }

        var encoded = text.AsSpan(Prefix.Length);
        if (encoded.IndexOfAny('#', '?', '/') >= 0)
        {
            error = "DID URLs (path, query or fragment) are not accepted";
            return false;
        }

        if (encoded.IsEmpty || encoded[0] != 'z')
        {
            error = "multibase must be base58btc ('z')";
            return false;
        }

        encoded = encoded[1..];
        if (encoded.Length > MaxEncodedLength)
        {
            error = "identifier is too long for an Ed25519 key";
            return false;
        }

        if (encoded.IsEmpty || encoded.ContainsAnyExcept(Base58Alphabet))
        {
            error = "not valid base58btc";
            return false;
        }

        Span<byte> payload = stackalloc byte[Base58.Bitcoin.GetSafeByteCountForDecoding(encoded)];
        if (!Base58.Bitcoin.TryDecode(encoded, payload, out var written))
        {
            error = "not valid base58btc";
            return false;
        }

        payload = payload[..written];
        if (!TryReadVarint(payload, out var codec, out var codecLength))
        {
            error = "missing multicodec prefix";
            return false;
        }

        if (codec != 0xed)
        {
            error = $"not an Ed25519 key (multicodec 0x{codec:x})";
            return false;
        }

        var key = payload[codecLength..];
        if (key.Length != PublicKeyLength)
        {
            error = "public key must be 32 bytes";
            return false;
        }

        if (!NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, key, KeyBlobFormat.RawPublicKey, out _))
        {
            error = "not a valid Ed25519 point";
            return false;
        }

        publicKey = key.ToArray();
        error = null;
        return true;
    }

    // Multicodec prefixes are unsigned LEB128 varints; nine bytes bound any 63-bit code.
    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, out ulong value, out int length)
    {
        value = 0;
        for (length = 0; length < bytes.Length && length < 9; length++)
        {
            value |= (ulong)(bytes[length] & 0x7f) << (7 * length);
            if ((bytes[length] & 0x80) == 0)
            {
                length++;
                return true;
            }
        }

        return false;
    }

    private static string Format(ReadOnlySpan<byte> publicKey)
    {
        Span<byte> payload = stackalloc byte[2 + PublicKeyLength];
        payload[0] = 0xed;
        payload[1] = 0x01;
        publicKey.CopyTo(payload[2..]);
        return Prefix + "z" + Base58.Bitcoin.Encode(payload);
    }

    private sealed class KeyHolder(byte[] key, string? text)
    {
        private string? _text = text;
        private NSec.Cryptography.PublicKey? _imported;
        private bool _importTried;

        public byte[] Key { get; } = key;

        // Races only compute the same value twice.
        public string Text => _text ??= Format(Key);

        public NSec.Cryptography.PublicKey? Imported
        {
            get
            {
                if (!Volatile.Read(ref _importTried))
                {
                    _imported = NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, Key, KeyBlobFormat.RawPublicKey, out var imported) ? imported : null;
                    Volatile.Write(ref _importTried, true);
                }

                return _imported;
            }
        }
    }
}
