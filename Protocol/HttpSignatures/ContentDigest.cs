using System.Security.Cryptography;

namespace Ainur.Protocol.HttpSignatures;

/// <summary>The <c>Content-Digest</c> field of RFC 9530, with <c>sha-256</c> (and <c>sha-512</c> when checking).</summary>
public static class ContentDigest
{
    /// <summary>The field name, lower-case as covered in signatures.</summary>
    public const string FieldName = "content-digest";

    // A digest field carries a handful of hashes; anything longer is not worth parsing.
    private const int MaxFieldLength = 1024;

    /// <summary>Returns the field value for <paramref name="body"/>: <c>sha-256=:BASE64:</c>.</summary>
    public static string Compute(ReadOnlySpan<byte> body) => "sha-256=:" + Convert.ToBase64String(SHA256.HashData(body)) + ":";

    /// <summary>
    /// Whether <paramref name="fieldValue"/> is a valid RFC 8941 dictionary holding a <c>sha-256</c> byte sequence
    /// equal to the body's SHA-256; a <c>sha-512</c> member, if present, must match too. Other algorithms are ignored,
    /// so a field with only unknown algorithms gives false. Never throws.
    /// </summary>
    public static bool Matches(string? fieldValue, ReadOnlySpan<byte> body)
    {
        if (fieldValue is null || fieldValue.Length > MaxFieldLength
            || !StructuredFields.TryParseDictionary(fieldValue, out var members, out _))
        {
            return false;
        }

        var sha256 = members.Find(m => m.Key == "sha-256");
        if (sha256 is null || !Equal(sha256.Value, SHA256.HashData(body)))
        {
            return false;
        }

        var sha512 = members.Find(m => m.Key == "sha-512");
        return sha512 is null || Equal(sha512.Value, SHA512.HashData(body));
    }

    private static bool Equal(SfValue value, byte[] expected) =>
        !value.IsInnerList && value.Item is { Kind: SfKind.ByteSequence, Bytes: { } bytes }
        && CryptographicOperations.FixedTimeEquals(bytes, expected);
}
