using Ainur.Protocol.Reputation;
using CsCheck;

namespace Ainur.Protocol.Tests.Reputation;

/// <summary>The Wilson lower bound: its range, its relation to the observed ratio, and known values.</summary>
public sealed class WilsonScoreTests
{
    private static readonly Gen<(long Successes, long Trials)> Observations =
        Gen.Long[1, 1_000_000].SelectMany(trials => Gen.Long[0, trials].Select(successes => (successes, trials)));

    [Fact]
    public void LowerBound_IsInTheUnitInterval_AndBelowTheObservedRatio() =>
        Observations.Sample((successes, trials) =>
        {
            var bound = WilsonScore.LowerBound(successes, trials);
            var ratio = (double)successes / trials;
            Assert.InRange(bound, 0, 1);
            if (successes == 0)
            {
                Assert.Equal(0, bound);
            }
            else
            {
                Assert.True(bound < ratio, $"{bound} is not below {ratio}");
            }
        }, iter: 5000);

    [Fact]
    public void LowerBound_GrowsWithMoreTrialsAtTheSameRatio() =>
        Gen.Select(Gen.Long[1, 1000].SelectMany(trials => Gen.Long[1, trials].Select(successes => (successes, trials))), Gen.Long[2, 1000])
        .Sample((observation, factor) =>
        {
            var (successes, trials) = observation;
            var few = WilsonScore.LowerBound(successes, trials);
            var many = WilsonScore.LowerBound(successes * factor, trials * factor);
            Assert.True(many > few, $"{successes * factor}/{trials * factor} gives {many}, not above {few} for {successes}/{trials}");
        }, iter: 5000);

    [Fact]
    public void LowerBound_GrowsWithOneMoreSuccess() =>
        Observations.Where(o => o.Successes < o.Trials).Sample((successes, trials) =>
            Assert.True(WilsonScore.LowerBound(successes + 1, trials) > WilsonScore.LowerBound(successes, trials)), iter: 5000);

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.96)]
    [InlineData(3.0)]
    public void NoTrials_ScoresZero(double z) => Assert.Equal(0, WilsonScore.LowerBound(0, 0, z));

    [Theory]
    [InlineData(10)]
    [InlineData(1)]
    [InlineData(1000)]
    public void AllSuccesses_IsNOverNPlusZSquared(long n) =>
        // With p = 1 the formula reduces to n / (n + z^2): 10/10 gives 10 / 13.8416 = 0.72246.
        Assert.Equal(n / (n + 1.96 * 1.96), WilsonScore.LowerBound(n, n), 12);

    [Theory]
    // Reference values computed independently (Python, the textbook formula), and matching published tables of the
    // 95% Wilson interval (5/10: 0.2366; 90/100: 0.8256).
    [InlineData(5, 10, 0.2365895936154873)]
    [InlineData(90, 100, 0.8256326956323347)]
    [InlineData(1, 2, 0.09452865480086611)]
    [InlineData(0, 10, 0.0)]
    public void KnownValues(long successes, long trials, double expected) =>
        Assert.Equal(expected, WilsonScore.LowerBound(successes, trials), 12);

    [Fact]
    public void ZeroZ_IsTheObservedRatio() => Assert.Equal(0.3, WilsonScore.LowerBound(3, 10, 0), 12);

    [Theory]
    [InlineData(-1, 10, 1.96)]
    [InlineData(11, 10, 1.96)]
    [InlineData(1, 10, -1.0)]
    [InlineData(1, 10, double.NaN)]
    [InlineData(1, 10, double.PositiveInfinity)]
    public void InvalidArguments_Throw(long successes, long trials, double z) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonScore.LowerBound(successes, trials, z));
}
