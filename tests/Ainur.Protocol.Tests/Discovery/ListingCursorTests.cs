using Ainur.Protocol.Discovery;
using CsCheck;

namespace Ainur.Protocol.Tests.Discovery;

public sealed class ListingCursorTests
{
    [Fact]
    public void Encode_ThenDecode_GivesTheKeyBack() =>
        Gen.String[1, 200].Sample(key => Assert.Equal(key, ListingCursor.TryDecode(ListingCursor.Encode(key))), iter: 2000);

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("YWJj")]                // "abc": no version prefix
    [InlineData("YzE6")]                // "c1:" with no key
    [InlineData("YzE6YQ==")]            // padded: not the canonical form this class writes
    [InlineData("__8")]                 // invalid UTF-8
    public void TryDecode_ForeignCursor_IsNull(string cursor) => Assert.Null(ListingCursor.TryDecode(cursor));

    [Fact]
    public void TryDecode_HugeCursor_IsNull() => Assert.Null(ListingCursor.TryDecode(new string('A', ListingCursor.MaxLength + 4)));

    [Fact]
    public void DiscoveryShard_KeyOf_IsTheFirstDottedSegment()
    {
        Assert.Equal("text", DiscoveryShard.KeyOf("text.summarize"));
        Assert.Equal("text", DiscoveryShard.KeyOf("text.translate.fr-de"));
        Assert.Equal("ocr", DiscoveryShard.KeyOf("ocr"));
    }
}
