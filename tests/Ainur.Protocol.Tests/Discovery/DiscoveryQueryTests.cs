using Ainur.Protocol.Discovery;

namespace Ainur.Protocol.Tests.Discovery;

public sealed class DiscoveryQueryTests
{
    [Theory]
    [InlineData(null, "invalid-q")]
    [InlineData("", "invalid-q")]
    [InlineData("   \t ", "invalid-q")]
    [InlineData("!!! ??? ...", "invalid-q")]
    [InlineData("summarize\u202Eevil", "invalid-q")]
    [InlineData("zero\u200Bwidth", "invalid-q")]
    [InlineData("bell\u0007", "invalid-q")]
    [InlineData("nul\u0000", "invalid-q")]
    [InlineData("private \uE000 use", "invalid-q")]
    public void TryCreate_BadText_IsRefused(string? text, string code)
    {
        Assert.Null(DiscoveryQuery.TryCreate(text, null, out var error));
        Assert.Equal(code, error!.Code);
    }

    [Fact]
    public void TryCreate_LoneSurrogate_IsRefused()
    {
        // Built here, not as theory data: serialized test data would turn the lone surrogate into U+FFFD.
        Assert.Null(DiscoveryQuery.TryCreate("lone " + (char)0xD800 + " surrogate", null, out var error));
        Assert.Equal("invalid-q", error!.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(51)]
    [InlineData(int.MaxValue)]
    public void TryCreate_KOutOfRange_IsRefused(int k)
    {
        Assert.Null(DiscoveryQuery.TryCreate("summarize my notes", k, out var error));
        Assert.Equal("invalid-k", error!.Code);
    }

    [Fact]
    public void TryCreate_HugeText_IsRefused()
    {
        Assert.Null(DiscoveryQuery.TryCreate(new string('a', DiscoveryQuery.MaxLength + 1), null, out var error));
        Assert.Equal("invalid-q", error!.Code);
        Assert.Null(DiscoveryQuery.TryCreate(new string('a', 10_000_000), null, out _));
    }

    [Fact]
    public void TryCreate_GoodText_CollapsesWhiteSpace_DefaultK()
    {
        var query = DiscoveryQuery.TryCreate("  translate \n my   letter into Español 🙂 ", null, out var error);
        Assert.Null(error);
        Assert.Equal("translate my letter into Español 🙂", query!.Text);
        Assert.Equal(DiscoveryQuery.DefaultK, query.K);
    }
}
