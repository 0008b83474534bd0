using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Modules;
using CsCheck;

namespace Ainur.Protocol.Tests.Modules;

/// <summary>The re-execution rule: two agreeing executions decide; up to three run; three different prove non-determinism.</summary>
public sealed class ReexecutionTests
{
    private static readonly Hash32 A = Blake2b.Content("a"u8);
    private static readonly Hash32 B = Blake2b.Content("b"u8);
    private static readonly Hash32 C = Blake2b.Content("c"u8);

    // Outputs drawn from a small alphabet so that agreements are common.
    private static readonly Gen<ImmutableArray<Hash32>> Outputs =
        Gen.Int[0, 3].Array[1, 5].Select(picks => picks.Select(p => Blake2b.Content([(byte)p])).ToImmutableArray());

    [Fact]
    public void Decide_FirstAndReexecutionAgree_AgreedWithNoLosers()
    {
        var decision = Reexecution.Decide([A, A]);
        Assert.Equal(ReexecutionVerdict.Agreed, decision.Verdict);
        Assert.Equal(A, decision.Output);
        Assert.Empty(decision.Losers);
    }

    [Fact]
    public void Decide_OnlyTheFirst_RunsAgain() => Assert.Equal(ReexecutionVerdict.RunAgain, Reexecution.Decide([A]).Verdict);

    [Fact]
    public void Decide_Mismatch_RunsAgain() => Assert.Equal(ReexecutionVerdict.RunAgain, Reexecution.Decide([A, B]).Verdict);

    [Fact]
    public void Decide_ThirdAgreesWithReexecution_FirstLoses()
    {
        var decision = Reexecution.Decide([A, B, B]);
        Assert.Equal((ReexecutionVerdict.Agreed, B), (decision.Verdict, decision.Output));
        Assert.Equal([0], decision.Losers);
    }

    [Fact]
    public void Decide_ThirdAgreesWithFirst_ReexecutionLoses()
    {
        var decision = Reexecution.Decide([A, B, A]);
        Assert.Equal((ReexecutionVerdict.Agreed, A), (decision.Verdict, decision.Output));
        Assert.Equal([1], decision.Losers);
    }

    [Fact]
    public void Decide_ThreeDifferent_NonDeterministic() =>
        Assert.Equal(ReexecutionVerdict.NonDeterministic, Reexecution.Decide([A, B, C]).Verdict);

    [Fact]
    public void Decide_NoOutputs_Throws() => Assert.Throws<ArgumentException>(() => Reexecution.Decide([]));

    [Fact]
    public void Decide_Agreed_OutputIsOneThatAtLeastTwoProduced_AndLosersAreExactlyTheOthers() =>
        Outputs.Sample(outputs =>
        {
            var decision = Reexecution.Decide(outputs);
            var considered = outputs.Take(Reexecution.MaxExecutions).ToList();
            if (decision.Verdict != ReexecutionVerdict.Agreed)
            {
                return true;
            }

            var agreed = decision.Output!.Value;
            return considered.Count(o => o == agreed) >= 2
                && decision.Losers.SequenceEqual(Enumerable.Range(0, considered.Count).Where(i => considered[i] != agreed));
        });

    [Fact]
    public void Decide_AnyOutputs_AgreesExactlyWhenTwoOfTheFirstThreeMatch_NeverRunsAFourth() =>
        Outputs.Sample(outputs =>
        {
            var considered = outputs.Take(Reexecution.MaxExecutions).ToList();
            var anyPair = considered.GroupBy(o => o).Any(g => g.Count() >= 2);
            var verdict = Reexecution.Decide(outputs).Verdict;
            return anyPair ? verdict == ReexecutionVerdict.Agreed
                : considered.Count < Reexecution.MaxExecutions ? verdict == ReexecutionVerdict.RunAgain
                : verdict == ReexecutionVerdict.NonDeterministic;
        });

    [Fact]
    public void Decide_IsAPrefixDecision_AnAgreementStandsWhateverRunsAfter() =>
        Outputs.Sample(outputs =>
        {
            // Once two agree the host stops; had it run more, the decision would not change.
            for (var n = 1; n <= outputs.Length; n++)
            {
                var early = Reexecution.Decide(outputs[..n]);
                if (early.Verdict == ReexecutionVerdict.Agreed)
                {
                    return Reexecution.Decide(outputs).Output == early.Output;
                }
            }

            return true;
        });
}
