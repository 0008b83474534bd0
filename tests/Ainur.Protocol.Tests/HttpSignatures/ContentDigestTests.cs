using System.Text;
using Ainur.Protocol.HttpSignatures;

namespace Ainur.Protocol.Tests.HttpSignatures;

public class ContentDigestTests
{
    // RFC 9530 §2's example body ends with a newline: its sha-256 is RK/0qy18…; without the newline it is X48E9q…
    // (both checked with openssl dgst -sha256).
    [Theory]
    [InlineData("{\"hello\": \"world\"}\n", "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:")]
    [InlineData("{\"hello\": \"world\"}", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")]
    [InlineData("", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")]
    public void Compute_KnownBody_GivesKnownDigest(string body, string expected)
    {
        Assert.Equal(expected, ContentDigest.Compute(Encoding.UTF8.GetBytes(body)));
        Assert.True(ContentDigest.Matches(expected, Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha-512=:AAAA:")]
    [InlineData("md5=:AAAA:")]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=")]
    [InlineData("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE")]
    [InlineData("sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:")]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AAAA:")]
    public void Matches_WrongOrMalformed_IsFalse(string? field) =>
        Assert.False(ContentDigest.Matches(field, Encoding.UTF8.GetBytes("{\"hello\": \"world\"}")));

    [Fact]
    public void Matches_UnknownAlgorithmBesideSha256_IsTrue() =>
        Assert.True(ContentDigest.Matches(
            "md5=:AAAA:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", Encoding.UTF8.GetBytes("{\"hello\": \"world\"}")));
}
