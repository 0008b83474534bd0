using NSec.Cryptography;

namespace Ainur.Protocol.Identity;

/// <summary>
/// An Ed25519 private key (RFC 8032) and its <see cref="Did"/>. The private key is held by NSec in
/// unmanaged memory that is wiped on <see cref="Dispose"/>; using the key afterwards throws
/// <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class AgentKey : IDisposable
{
    /// <summary>Length in bytes of an Ed25519 seed (the raw private key).</summary>
    public const int SeedLength = 32;

    private readonly Key _key;

    private AgentKey(Key key)
    {
        _key = key;
        Did = Did.FromPublicKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>The DID that names this key's public half.</summary>
    public Did Did { get; }

    /// <summary>Creates a new key from the operating system's cryptographic random generator.</summary>
    public static AgentKey Generate() => new(Key.Create(SignatureAlgorithm.Ed25519, Exportable()));

    /// <summary>Recreates a key from its 32-byte seed, as stored in key files and RFC 8032's test vectors.</summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static AgentKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }

        return new(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, Exportable()));
    }

    /// <summary>Signs <paramref name="data"/>; returns the 64-byte Ed25519 signature (deterministic per RFC 8032).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    /// <summary>
    /// Returns a copy of the 32-byte seed. Meant only for writing key files (<see cref="KeyFile"/>);
    /// the caller should clear the array when done.
    /// </summary>
    public byte[] ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();

    // The seed must be exportable for key files; NSec refuses export otherwise.
    private static KeyCreationParameters Exportable() => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
}
