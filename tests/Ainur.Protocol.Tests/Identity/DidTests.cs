using System.Text.Json;
using Ainur.Protocol.Identity;
using SimpleBase;

namespace Ainur.Protocol.Tests.Identity;

public class DidTests
{
    // RFC 8032 TEST 1's public key; the expected DID was computed with an independent base58btc encoder.
    private const string Test1PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Test1Did = "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw";

    [Theory]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29")]
    [InlineData("did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG", "4cb5abf6ad79fbf5abbccafcc269d85cd2651ed4b885b5869f241aedf0a5ba29")]
    [InlineData("did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf", "7422b9887598068e32c4448a949adb290d0f4e35b9e01b0ee5f1a1e600fe2674")]
    public void Parse_W3cExample_YieldsKeyAndRoundTrips(string text, string publicKey)
    {
        var did = Did.Parse(text);

        Assert.Equal(32, did.PublicKey.Length);
        Assert.Equal(publicKey, Convert.ToHexStringLower(did.PublicKey.Span));
        Assert.Equal(text, Did.FromPublicKey(did.PublicKey.Span).Value);
        Assert.Equal(text, did.ToString());
    }

    [Fact]
    public void FromPublicKey_Rfc8032Test1_GivesKnownDid()
    {
        var did = Did.FromPublicKey(Convert.FromHexString(Test1PublicKey));

        Assert.Equal(Test1Did, did.Value);
        Assert.StartsWith("did:key:z6Mk", did.Value, StringComparison.Ordinal);
        Assert.Equal(did, Did.Parse(did.Value));
    }

    [Fact]
    public void Equals_SameValueDifferentBuffers_AreEqual()
    {
        var a = Did.Parse(Test1Did);
        var b = Did.FromPublicKey(Convert.FromHexString(Test1PublicKey));

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Single(new HashSet<Did> { a, b });
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("did:web:example.com", "not a did:key")]
    [InlineData("DID:KEY:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "not a did:key")]
    [InlineData("did:key:", "multibase")]
    [InlineData("did:key:u7QE7aie8zrakLWKjqNAqbw1zZTIVdx3iQ6Y6wEihi1naKQ", "multibase")]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0", "base58")]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWl", "base58")]
    [InlineData("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "not an Ed25519 key (multicodec 0xe7)")]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp ", "base58")]
    [InlineData("did:key:z6MkiTBz1ymuépAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "base58")]
    [InlineData("did:key:zé", "base58")]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDoo\u00ff", "base58")]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDoo\ud800", "base58")]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDoo\u0660", "base58")]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6Mk", "DID URLs")]
    [InlineData(" did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "not a did:key")]
    public void TryParse_Malformed_FailsWithReason(string? text, string reason)
    {
        Assert.False(Did.TryParse(text, out var did, out var error));
        Assert.Equal(default, did);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        if (text is not null)
        {
            Assert.Contains(reason, Assert.Throws<FormatException>(() => Did.Parse(text)).Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    public void TryParse_WrongKeyLength_FailsWithReason(int length)
    {
        var text = "did:key:z" + Base58.Bitcoin.Encode([0xed, 0x01, .. new byte[length]]);

        Assert.False(Did.TryParse(text, out _, out var error));
        Assert.Equal("public key must be 32 bytes", error);
    }

    [Fact]
    public void TryParse_Secp256k1Codec_NamesTheCodec()
    {
        var text = "did:key:z" + Base58.Bitcoin.Encode([0xe7, 0x01, .. new byte[33]]);

        Assert.False(Did.TryParse(text, out _, out var error));
        Assert.Equal("not an Ed25519 key (multicodec 0xe7)", error);
    }

    [Fact]
    public void TryParse_VeryLongInput_FailsQuickly()
    {
        Assert.False(Did.TryParse("did:key:z" + new string('2', 100_000), out _, out var error));
        Assert.Contains("too long", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DefaultDid_ReturnsFalse()
    {
        Assert.False(default(Did).Verify([1, 2, 3], new byte[64]));
        Assert.True(default(Did).PublicKey.IsEmpty);
    }

    [Fact]
    public void Json_RoundTripsAsString()
    {
        var did = Did.Parse(Test1Did);

        var json = JsonSerializer.Serialize(new Holder(did));

        Assert.Equal($"{{\"Did\":\"{Test1Did}\"}}", json);
        Assert.Equal(did, JsonSerializer.Deserialize<Holder>(json)!.Did);
    }

    [Theory]
    [InlineData("{\"Did\":\"did:web:x\"}", "not a did:key")]
    [InlineData("{\"Did\":42}", "JSON string")]
    public void Json_Invalid_ThrowsJsonExceptionWithReason(string json, string reason)
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Holder>(json));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    public sealed record Holder(Did Did);
}
