using Ainur.Protocol.Consensus;

namespace Ainur.Protocol.Tests.Consensus;

public sealed class ConsensusConfigTests
{
    private static readonly TestValidators Net = TestValidators.Of(4);

    [Fact]
    public void Validate_GoodConfig_IsNull() => Assert.Null(Net.Config(3).Validate());

    [Fact]
    public void Validate_BadConfig_ListsEveryProblemWithItsFix()
    {
        var duplicated = new ValidatorSet([Net.Set.Members[0], Net.Set.Members[0]]);
        var timeouts = TestValidators.Timeouts with { Prevote = TimeSpan.Zero, Delta = TimeSpan.FromSeconds(-1) };

        var problems = new ConsensusConfig(" ", duplicated, 2, timeouts).Validate();

        Assert.NotNull(problems);
        Assert.Equal(5, problems.Split('\n').Length);
        Assert.Contains("ChainId", problems, StringComparison.Ordinal);
        Assert.Contains("twice", problems, StringComparison.Ordinal);
        Assert.Contains("Self is 2: it must be this validator's index, 0 to 1", problems, StringComparison.Ordinal);
        Assert.Contains("Timeouts.Prevote", problems, StringComparison.Ordinal);
        Assert.Contains("Timeouts.Delta", problems, StringComparison.Ordinal);
    }

    [Fact]
    public void Context_WithAnotherValidatorsKey_Throws() =>
        Assert.Throws<ArgumentException>(() => new ConsensusContext(Net.Config(0), Net.Keys[1], _ => true));

    [Fact]
    public void Timeouts_GrowByDeltaPerRound()
    {
        var timeouts = TestValidators.Timeouts;

        Assert.Equal(TimeSpan.FromMilliseconds(100 + (3 * 50)), timeouts.ProposeFor(3));
        Assert.Equal(TimeSpan.FromMilliseconds(100 + (3 * 50)), timeouts.PrevoteFor(3));
        Assert.Equal(TimeSpan.FromMilliseconds(100), timeouts.PrecommitFor(0));
        Assert.Equal(timeouts.Propose, (timeouts with { Rebroadcast = null }).RebroadcastEvery);
    }
}
