using Ainur.Protocol.Identity;
using CsCheck;

namespace Ainur.Protocol.Tests.Identity;

/// <summary>The memo answers as a verification would, whatever was remembered before and however often it rolled over.</summary>
public sealed class SignatureMemoTests
{
    [Fact]
    public void AnswersAsVerify_ForValid_AndForEveryTamperedVariant_AfterTheValidOneIsRemembered() =>
        Gen.Select(Gen.Byte.Array[0, 300], Gen.Int[0, 63], Gen.Byte[1, 255]).Sample((message, at, flip) =>
        {
            using var key = AgentKey.Generate();
            using var other = AgentKey.Generate();
            var signature = key.Sign(message);

            Assert.True(SignatureMemo.Verify(key.Did, message, signature));
            Assert.True(SignatureMemo.Verify(key.Did, message, signature));

            var badSignature = (byte[])signature.Clone();
            badSignature[at] ^= flip;
            Assert.Equal(key.Did.Verify(message, badSignature), SignatureMemo.Verify(key.Did, message, badSignature));
            Assert.False(SignatureMemo.Verify(other.Did, message, signature));
            var longer = message.Append(flip).ToArray();
            Assert.False(SignatureMemo.Verify(key.Did, longer, signature));
            if (message.Length > 0)
            {
                var changed = (byte[])message.Clone();
                changed[at % changed.Length] ^= flip;
                Assert.False(SignatureMemo.Verify(key.Did, changed, signature));
            }
        }, iter: 300);

    [Fact]
    public void MalformedInput_IsRefused_AndNeverRemembered()
    {
        using var key = AgentKey.Generate();
        var message = "m"u8.ToArray();
        var signature = key.Sign(message);
        Assert.False(SignatureMemo.Verify(default, message, signature));
        Assert.False(SignatureMemo.Verify(key.Did, message, signature.AsSpan(0, 63)));
        Assert.False(SignatureMemo.Verify(key.Did, message, []));
        Assert.True(SignatureMemo.Verify(key.Did, message, signature));
    }

    [Fact]
    public void AValidSignature_IsVerifiedOnce_UntilTwoGenerationsPass_AndAnInvalidOneEveryTime()
    {
        var memo = new SignatureMemo.Memo(capacity: 4);
        using var key = AgentKey.Generate();
        var message = "vote"u8.ToArray();
        var signature = key.Sign(message);
        var forged = (byte[])signature.Clone();
        forged[5] ^= 0x40;

        Assert.True(memo.Verify(key.Did, message, signature));
        Assert.True(memo.Verify(key.Did, message, signature));
        Assert.Equal(1, memo.Verifications);
        Assert.False(memo.Verify(key.Did, message, forged));
        Assert.False(memo.Verify(key.Did, message, forged));
        Assert.Equal(3, memo.Verifications);

        // Enough other signatures roll the generations over twice: the first one is forgotten, and verified again.
        for (var i = 0; i < 12; i++)
        {
            var other = BitConverter.GetBytes(i);
            Assert.True(memo.Verify(key.Did, other, key.Sign(other)));
        }

        var before = memo.Verifications;
        Assert.True(memo.Verify(key.Did, message, signature));
        Assert.Equal(before + 1, memo.Verifications);
    }

    [Fact]
    public void StaysCorrect_AcrossGenerations()
    {
        // Many more distinct valid signatures than two generations of a small memo hold, from several threads at once:
        // each check still answers true for its own signature and false for a forged one.
        var memo = new SignatureMemo.Memo(capacity: 16);
        using var key = AgentKey.Generate();
        var count = 2000;
        var wrong = 0;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var message = BitConverter.GetBytes(i);
            var signature = key.Sign(message);
            if (!memo.Verify(key.Did, message, signature) || !memo.Verify(key.Did, message, signature))
            {
                Interlocked.Increment(ref wrong);
            }

            signature[0] ^= 1;
            if (memo.Verify(key.Did, message, signature))
            {
                Interlocked.Increment(ref wrong);
            }
        });
        Assert.Equal(0, wrong);
    }
}
