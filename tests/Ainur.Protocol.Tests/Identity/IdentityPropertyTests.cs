using Ainur.Protocol.Identity;
using CsCheck;

namespace Ainur.Protocol.Tests.Identity;

public class IdentityPropertyTests
{
    private static readonly Gen<byte[]> Seeds = Gen.Byte.Array[32];
    private static readonly Gen<byte[]> Messages = Gen.Byte.Array[0, 256];

    [Fact]
    public void SignVerify_RandomSeedsAndMessages_RoundTrips() =>
        Gen.Select(Seeds, Messages).Sample((seed, message) =>
        {
            using var key = AgentKey.FromSeed(seed);
            return key.Did.Verify(message, key.Sign(message));
        }, iter: 300);

    [Fact]
    public void Verify_AnySingleBitFlipInMessage_Fails() =>
        Gen.Select(Seeds, Gen.Byte.Array[1, 128], Gen.Int[0, int.MaxValue]).Sample((seed, message, bit) =>
        {
            using var key = AgentKey.FromSeed(seed);
            var signature = key.Sign(message);
            var i = bit % (message.Length * 8);
            message[i / 8] ^= (byte)(1 << (i % 8));
            return !key.Did.Verify(message, signature);
        }, iter: 300);

    [Fact]
    public void Verify_AnySingleBitFlipInSignature_Fails() =>
        Gen.Select(Seeds, Messages, Gen.Int[0, (64 * 8) - 1]).Sample((seed, message, bit) =>
        {
            using var key = AgentKey.FromSeed(seed);
            var signature = key.Sign(message);
            signature[bit / 8] ^= (byte)(1 << (bit % 8));
            return !key.Did.Verify(message, signature);
        }, iter: 300);

    [Fact]
    public void DidFormatParse_RandomKeys_RoundTrips() =>
        Seeds.Sample(seed =>
        {
            using var key = AgentKey.FromSeed(seed);
            var parsed = Did.Parse(key.Did.Value);
            return parsed == key.Did
                && parsed.PublicKey.Span.SequenceEqual(key.Did.PublicKey.Span)
                && parsed.Value.StartsWith("did:key:z6Mk", StringComparison.Ordinal);
        }, iter: 300);

    [Fact]
    public void TryParse_RandomText_NeverThrows() =>
        Gen.String.Sample(text =>
            Did.TryParse(text, out _, out var error) != (error is not null)
            && Did.TryParse("did:key:z" + text, out _, out error) != (error is not null), iter: 2000);
}
