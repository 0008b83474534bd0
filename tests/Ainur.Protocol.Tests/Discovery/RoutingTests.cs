using Ainur.Protocol.Discovery;
using Ainur.Protocol.Identity;
using CsCheck;

namespace Ainur.Protocol.Tests.Discovery;

public sealed class RoutingTests
{
    private static readonly Did[] Agents = [.. Enumerable.Range(0, 8).Select(_ => { using var key = AgentKey.Generate(); return key.Did; })];

    private static readonly Gen<RoutingCandidate> Candidate = Gen.Select(
        Gen.Int[0, Agents.Length - 1], Gen.Double[-0.2, 1], Gen.Double[0, 1], Gen.Long[0, 100], Gen.Int[0, 20], Gen.Bool, Gen.Bool)
        .Select((a, sim, rep, price, load, present, staked) => new RoutingCandidate(Agents[a], "text.summarize", sim, rep, price, load, present, staked));

    private static readonly Gen<RoutingCandidate[]> Candidates = Candidate.Array[0, 12]
        .Select(cs => cs.DistinctBy(c => c.Agent).ToArray());

    [Fact]
    public void Rank_KeepsOnlyEligible_BestScoreFirst() =>
        Gen.Select(Candidates, Gen.Long[0, 100], Gen.Double[0, 1]).Sample((candidates, maxPrice, threshold) =>
        {
            var ranked = Routing.Rank(candidates, maxPrice, threshold);
            Assert.All(ranked, c => Assert.True(c.Present && c.Staked && c.Price <= maxPrice && c.Similarity >= threshold));
            Assert.Equal(candidates.Count(c => Routing.Check(c, maxPrice, threshold) == Ineligibility.None), ranked.Count);
            Assert.True(ranked.Zip(ranked.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        }, iter: 2000);

    [Fact]
    public void Choose_PicksLeastLoadedAmongTopFew() =>
        Gen.Select(Candidates, Gen.Int[1, 5], Gen.Long).Sample((candidates, topFew, turn) =>
        {
            var ranked = Routing.Rank(candidates, long.MaxValue, 0);
            var chosen = Routing.Choose(ranked, topFew, turn);
            if (ranked.Count == 0)
            {
                Assert.Null(chosen);
                return;
            }

            var cut = ranked[Math.Min(topFew, ranked.Count) - 1].Score;
            var few = ranked.Where((c, i) => i < topFew || c.Score >= cut).ToList();
            Assert.Contains(chosen!, few);
            Assert.Equal(few.Min(c => c.InFlight), chosen!.InFlight);
        }, iter: 2000);

    [Fact]
    public void Choose_EqualCandidates_LoadsDifferByAtMostOne() =>
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 200], Gen.Int[1, 4]).Sample((count, tasks, topFew) =>
        {
            var load = Agents.Take(count).ToDictionary(a => a, _ => 0);
            for (var turn = 0; turn < tasks; turn++)
            {
                var candidates = load.Select(l => new RoutingCandidate(l.Key, "text.summarize", 1, 0.5, 10, l.Value, true, true));
                var chosen = Routing.Choose(Routing.Rank(candidates, 10, 0.3), topFew, turn)!;
                load[chosen.Agent]++;
            }

            Assert.True(load.Values.Max() - load.Values.Min() <= 1, string.Join(",", load.Values));
        }, iter: 300);

    [Fact]
    public void Check_NamesTheFirstBrokenRule()
    {
        var ok = new RoutingCandidate(Agents[0], "text.summarize", 0.8, 0.5, 10, 0, true, true);
        Assert.Equal(Ineligibility.None, Routing.Check(ok, 10, 0.3));
        Assert.Equal(Ineligibility.Absent, Routing.Check(ok with { Present = false }, 10, 0.3));
        Assert.Equal(Ineligibility.Unstaked, Routing.Check(ok with { Staked = false }, 10, 0.3));
        Assert.Equal(Ineligibility.TooExpensive, Routing.Check(ok with { Price = 11 }, 10, 0.3));
        Assert.Equal(Ineligibility.Dissimilar, Routing.Check(ok with { Similarity = 0.29 }, 10, 0.3));
    }

    [Fact]
    public void Reputation_NewcomerBetweenFailingAndProven()
    {
        var newcomer = Routing.Reputation(0, 0, 0);
        Assert.True(newcomer > 0);
        Assert.True(Routing.Reputation(0, 10, 0) < newcomer);
        Assert.True(Routing.Reputation(50, 1, 0) > newcomer);
        Assert.True(Routing.Reputation(50, 0, 5) < Routing.Reputation(50, 0, 0));
    }

    [Fact]
    public void Reputation_GrowsWithSuccesses() =>
        Gen.Select(Gen.Long[0, 1000], Gen.Long[0, 1000], Gen.Long[0, 100]).Sample((s, f, d) =>
            Assert.True(Routing.Reputation(s + 1, f, d) >= Routing.Reputation(s, f, d)), iter: 1000);

    [Fact]
    public void Score_IsSimilarityTimesReputation_NegativeSimilarityCountsAsZero()
    {
        Assert.Equal(0.4, Routing.Score(0.8, 0.5), 12);
        Assert.Equal(0, Routing.Score(-0.3, 0.9));
    }
}
