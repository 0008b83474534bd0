using System.Text;
using System.Text.Json.Nodes;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Tests.Identity;

public class KeyFileTests
{
    // Cheap Argon2id settings keep these tests fast; one test below opens a default-cost file.
    private static readonly KeyFileKdf Cheap = new(KeyFileKdf.MinMemoryKiB * 128, 1);
    private static readonly byte[] Seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    [Fact]
    public void SealOpen_WithPassphrase_RoundTrips()
    {
        using var key = AgentKey.FromSeed(Seed);
        var text = KeyFile.Seal(key, "correct horse", Cheap);

        using var opened = KeyFile.Open(text, "correct horse");

        Assert.Equal(key.Did, opened.Did);
        Assert.Equal(Seed, opened.ExportSeed());
        Assert.True(KeyFile.IsEncrypted(text));
    }

    [Fact]
    public void SealOpen_DefaultParameters_RoundTrips()
    {
        using var key = AgentKey.Generate();
        var text = KeyFile.Seal(key, "pass phrase");

        var kdf = JsonNode.Parse(text)!["kdf"]!;
        Assert.Equal(KeyFileKdf.Default.MemoryKiB, (int)kdf["memoryKiB"]!);
        Assert.Equal(KeyFileKdf.Default.Iterations, (int)kdf["iterations"]!);
        using var opened = KeyFile.Open(text, "pass phrase");
        Assert.Equal(key.Did, opened.Did);
    }

    [Fact]
    public void Open_WrongPassphrase_Throws()
    {
        using var key = AgentKey.FromSeed(Seed);
        var text = KeyFile.Seal(key, "right", Cheap);

        var e = Assert.Throws<KeyFileException>(() => KeyFile.Open(text, "wrong"));
        Assert.Contains("passphrase", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EncryptedWithoutPassphrase_Throws()
    {
        using var key = AgentKey.FromSeed(Seed);
        var text = KeyFile.Seal(key, "right", Cheap);

        var e = Assert.Throws<KeyFileException>(() => KeyFile.Open(text, null));
        Assert.Contains("passphrase is required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TamperedCiphertext_Throws()
    {
        using var key = AgentKey.FromSeed(Seed);
        var file = JsonNode.Parse(KeyFile.Seal(key, "right", Cheap))!;
        var ciphertext = Convert.FromBase64String((string)file["cipher"]!["ciphertext"]!);
        ciphertext[3] ^= 1;
        file["cipher"]!["ciphertext"] = Convert.ToBase64String(ciphertext);

        Assert.Throws<KeyFileException>(() => KeyFile.Open(file.ToJsonString(), "right"));
    }

    [Fact]
    public void Open_SwappedDid_Throws()
    {
        using var key = AgentKey.FromSeed(Seed);
        using var other = AgentKey.Generate();
        var file = JsonNode.Parse(KeyFile.Seal(key, "right", Cheap))!;
        file["did"] = other.Did.Value;

        Assert.Throws<KeyFileException>(() => KeyFile.Open(file.ToJsonString(), "right"));
    }

    [Fact]
    public void Open_UnencryptedWithSwappedDid_Throws()
    {
        using var key = AgentKey.FromSeed(Seed);
        using var other = AgentKey.Generate();
        var file = JsonNode.Parse(KeyFile.Seal(key, null))!;
        file["did"] = other.Did.Value;

        var e = Assert.Throws<KeyFileException>(() => KeyFile.Open(file.ToJsonString(), null));
        Assert.Contains("does not match", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seal_Encrypted_HoldsNoPlaintextSeed()
    {
        using var key = AgentKey.FromSeed(Seed);
        var text = KeyFile.Seal(key, "right", Cheap);

        Assert.DoesNotContain(Convert.ToBase64String(Seed), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Seed).TrimEnd('=').Replace('+', '-').Replace('/', '_'), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(Seed), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Encoding.Latin1.GetString(Seed), text, StringComparison.Ordinal);
        Assert.DoesNotContain("seed", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Open_Unencrypted_NeedsNoPassphrase()
    {
        using var key = AgentKey.FromSeed(Seed);
        var text = KeyFile.Seal(key, null);

        using var opened = KeyFile.Open(text, null);

        Assert.Equal(key.Did, opened.Did);
        Assert.False(KeyFile.IsEncrypted(text));
    }

    [Fact]
    public void ReadDid_Encrypted_NeedsNoPassphrase()
    {
        using var key = AgentKey.FromSeed(Seed);

        Assert.Equal(key.Did, KeyFile.ReadDid(KeyFile.Seal(key, "right", Cheap)));
        Assert.Equal(key.Did, KeyFile.ReadDid(KeyFile.Seal(key, null)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"format\":\"ainur-key/2\"}")]
    [InlineData("{\"format\":\"ainur-key/1\",\"did\":\"did:web:x\"}")]
    [InlineData("{\"format\":\"ainur-key/1\",\"did\":\"did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw\"}")]
    [InlineData("{\"format\":\"ainur-key/1\",\"did\":\"did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw\",\"unencrypted\":{\"seed\":\"!!\"}}")]
    [InlineData("{\"format\":\"ainur-key/1\",\"did\":\"did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw\",\"unencrypted\":{\"seed\":\"AAAA\"}}")]
    [InlineData("{\"format\":\"ainur-key/1\",\"did\":\"did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw\",\"kdf\":{\"alg\":\"argon2id\",\"salt\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"memoryKiB\":999999999999,\"iterations\":1,\"parallelism\":1},\"cipher\":{\"alg\":\"chacha20-poly1305\",\"nonce\":\"AAAAAAAAAAAAAAAA\",\"ciphertext\":\"AAAA\"}}")]
    public void Open_Malformed_ThrowsKeyFileException(string text) =>
        Assert.Throws<KeyFileException>(() => KeyFile.Open(text, "x"));
}
