using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NSec.Cryptography;

namespace Ainur.Protocol.Identity;

/// <summary>
/// Reads and writes agent key files (format <c>ainur-key/1</c>, JSON). An encrypted file derives a
/// ChaCha20-Poly1305 key from the passphrase with Argon2id (salt and cost parameters stored in the file, so
/// they can be raised later) and binds the format version and the DID as associated data, so swapping the
/// public part is detected. The DID is stored in clear so <see cref="ReadDid"/> needs no passphrase.
/// </summary>
public static class KeyFile
{
    /// <summary>The value of the <c>format</c> member in files this version writes and reads.</summary>
    public const string Format = "ainur-key/1";

    private const int SaltLength = 16;
    private const string KdfName = "argon2id";
    private const string CipherName = "chacha20-poly1305";

    // Bounds on parameters read from a file, so a hostile file cannot make Open allocate gigabytes or spin for hours.
    private const long MaxMemoryKiB = 4L * 1024 * 1024;
    private const long MaxIterations = 64;

    private static readonly AeadAlgorithm Cipher = AeadAlgorithm.ChaCha20Poly1305;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Serializes <paramref name="key"/> into key-file JSON. With a passphrase the seed is encrypted with the
    /// default Argon2id cost (128 MiB, 6 passes: about a third of a second); with <c>null</c> the seed is
    /// written in clear, which the caller must have asked for explicitly.
    /// </summary>
    /// <exception cref="ArgumentException">The passphrase is empty.</exception>
    public static string Seal(AgentKey key, string? passphrase) => Seal(key, passphrase, KeyFileKdf.Default);

    /// <summary>Opens a key file written by <see cref="Seal(AgentKey, string?)"/>.</summary>
    /// <exception cref="KeyFileException">
    /// The file is malformed or modified, the passphrase is wrong, or the file is encrypted and
    /// <paramref name="passphrase"/> is null. A passphrase given for an unencrypted file is ignored.
    /// </exception>
    public static AgentKey Open(string text, string? passphrase)
    {
        var file = Read(text);
        var did = ParseDid(file);
        byte[] seed;
        if (file.Unencrypted is { } clear)
        {
            seed = DecodeBase64(clear.Seed, "unencrypted.seed");
        }
        else if (file.Kdf is { } kdf && file.Cipher is { } cipher)
        {
            if (passphrase is null)
            {
                throw new KeyFileException("The key file is encrypted: a passphrase is required.");
            }

            seed = Decrypt(kdf, cipher, did, passphrase);
        }
        else
        {
            throw new KeyFileException("The key file holds neither an encrypted nor an unencrypted key.");
        }

        try
        {
            if (seed.Length != AgentKey.SeedLength)
            {
                throw new KeyFileException("The key file's seed is not 32 bytes.");
            }

            var key = AgentKey.FromSeed(seed);
            if (key.Did != did)
            {
                key.Dispose();
                throw new KeyFileException("The key file's DID does not match its private key: the file was modified.");
            }

            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Reads the public DID of a key file without decrypting it.</summary>
    /// <exception cref="KeyFileException">The file is malformed.</exception>
    public static Did ReadDid(string text) => ParseDid(Read(text));

    /// <summary>Whether the file at hand is encrypted (so <see cref="Open"/> needs a passphrase).</summary>
    /// <exception cref="KeyFileException">The file is malformed.</exception>
    public static bool IsEncrypted(string text) => Read(text).Unencrypted is null;

    /// <summary>As <see cref="Seal(AgentKey, string?)"/> with explicit Argon2id cost; tests use cheap settings.</summary>
    internal static string Seal(AgentKey key, string? passphrase, KeyFileKdf kdf)
    {
        ArgumentNullException.ThrowIfNull(key);
        var seed = key.ExportSeed();
        try
        {
            var file = new KeyFileDocument { Format = Format, Did = key.Did.Value };
            if (passphrase is null)
            {
                file.Unencrypted = new ClearSection { Seed = Convert.ToBase64String(seed) };
            }
            else
            {
                if (passphrase.Length == 0)
                {
                    throw new ArgumentException("The passphrase must not be empty.", nameof(passphrase));
                }

                var salt = RandomNumberGenerator.GetBytes(SaltLength);
                var nonce = RandomNumberGenerator.GetBytes(Cipher.NonceSize);
                using var aeadKey = DeriveKey(passphrase, salt, kdf.MemoryKiB, kdf.Iterations);
                var ciphertext = Cipher.Encrypt(aeadKey, nonce, AssociatedData(key.Did), seed);
                file.Kdf = new KdfSection
                {
                    Alg = KdfName,
                    Salt = Convert.ToBase64String(salt),
                    MemoryKiB = kdf.MemoryKiB,
                    Iterations = kdf.Iterations,
                    Parallelism = 1,
                };
                file.Cipher = new CipherSection
                {
                    Alg = CipherName,
                    Nonce = Convert.ToBase64String(nonce),
                    Ciphertext = Convert.ToBase64String(ciphertext),
                };
            }

            return JsonSerializer.Serialize(file, Json);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private static byte[] Decrypt(KdfSection kdf, CipherSection cipher, Did did, string passphrase)
    {
        if (kdf.Alg != KdfName)
        {
            throw new KeyFileException($"Unsupported key derivation '{kdf.Alg}' (expected {KdfName}).");
        }

        if (cipher.Alg != CipherName)
        {
            throw new KeyFileException($"Unsupported cipher '{cipher.Alg}' (expected {CipherName}).");
        }

        if (kdf.Parallelism != 1 || kdf.MemoryKiB is < KeyFileKdf.MinMemoryKiB or > MaxMemoryKiB
            || kdf.Iterations is < 1 or > MaxIterations)
        {
            throw new KeyFileException("The key file's Argon2id parameters are out of range.");
        }

        var salt = DecodeBase64(kdf.Salt, "kdf.salt");
        var nonce = DecodeBase64(cipher.Nonce, "cipher.nonce");
        var ciphertext = DecodeBase64(cipher.Ciphertext, "cipher.ciphertext");
        if (salt.Length != SaltLength || nonce.Length != Cipher.NonceSize || ciphertext.Length != AgentKey.SeedLength + Cipher.TagSize)
        {
            throw new KeyFileException("The key file's salt, nonce or ciphertext has the wrong length.");
        }

        using var aeadKey = DeriveKey(passphrase, salt, (int)kdf.MemoryKiB, (int)kdf.Iterations);
        var seed = new byte[AgentKey.SeedLength];
        return Cipher.Decrypt(aeadKey, nonce, AssociatedData(did), ciphertext, seed)
            ? seed
            : throw new KeyFileException("Wrong passphrase, or the key file was modified.");
    }

    private static Key DeriveKey(string passphrase, ReadOnlySpan<byte> salt, int memoryKiB, int iterations)
    {
        var argon = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = memoryKiB,
            NumberOfPasses = iterations,
        });
        return argon.DeriveKey(passphrase, salt, Cipher);
    }

    // Binds the ciphertext to the format version and the DID stored beside it.
    private static byte[] AssociatedData(Did did) => Encoding.UTF8.GetBytes(Format + "\n" + did.Value);

    private static KeyFileDocument Read(string text)
    {
        KeyFileDocument? file;
        try
        {
            file = JsonSerializer.Deserialize<KeyFileDocument>(text, Json);
        }
        catch (JsonException e)
        {
            throw new KeyFileException("The key file is not valid JSON.", e);
        }

        if (file is null || file.Format != Format)
        {
            throw new KeyFileException($"Not an Ainur key file (expected format \"{Format}\").");
        }

        return file;
    }

    private static Did ParseDid(KeyFileDocument file) =>
        Did.TryParse(file.Did, out var did, out var error)
            ? did
            : throw new KeyFileException($"The key file's DID is invalid: {error}.");

    private static byte[] DecodeBase64(string? value, string member)
    {
        try
        {
            return Convert.FromBase64String(value ?? throw new KeyFileException($"The key file lacks {member}."));
        }
        catch (FormatException e)
        {
            throw new KeyFileException($"The key file's {member} is not valid base64.", e);
        }
    }

    private sealed class KeyFileDocument
    {
        [JsonPropertyName("format")] public string? Format { get; set; }
        [JsonPropertyName("did")] public string? Did { get; set; }
        [JsonPropertyName("kdf")] public KdfSection? Kdf { get; set; }
        [JsonPropertyName("cipher")] public CipherSection? Cipher { get; set; }
        [JsonPropertyName("unencrypted")] public ClearSection? Unencrypted { get; set; }
    }

    private sealed class KdfSection
    {
        [JsonPropertyName("alg")] public string? Alg { get; set; }
        [JsonPropertyName("salt")] public string? Salt { get; set; }
        [JsonPropertyName("memoryKiB")] public long MemoryKiB { get; set; }
        [JsonPropertyName("iterations")] public long Iterations { get; set; }
        [JsonPropertyName("parallelism")] public long Parallelism { get; set; }
    }

    private sealed class CipherSection
    {
        [JsonPropertyName("alg")] public string? Alg { get; set; }
        [JsonPropertyName("nonce")] public string? Nonce { get; set; }
        [JsonPropertyName("ciphertext")] public string? Ciphertext { get; set; }
    }

    private sealed class ClearSection
    {
        [JsonPropertyName("seed")] public string? Seed { get; set; }
    }
}
