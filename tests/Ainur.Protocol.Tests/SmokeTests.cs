namespace Ainur.Protocol.Tests;

public class SmokeTests
{
    [Fact]
    public void Placeholder() => Assert.True(true);
}
