using Ainur.Protocol.Reputation;

namespace Ainur.Protocol.Discovery;

/// <summary>
/// Who gets a task (DESIGN section 2): only candidates that are present, staked, ask at most maxPrice and whose
/// capability is similar enough to the need; ranked by similarity x reputation; among the best few, the one with the
/// fewest tasks in flight (least connections), so equal agents share the load instead of the first taking it all.
/// </summary>
public static class Routing
{
    /// <summary>How many of the best candidates compete on load by default.</summary>
    public const int DefaultTopFew = 3;

    /// <summary>
    /// The lowest cosine similarity between a need and a capability that counts as a match by default, one routing may
    /// give a task to. On the labelled set (Grains.Tests/Discovery/relevance) it passes 122 of 123 correct best answers,
    /// and no unrelated need's best match against 210 capabilities (those reach 0.14-0.295).
    /// </summary>
    public const double DefaultThreshold = 0.3;

    /// <summary>
    /// Below this similarity a capability is noise to MiniLM (unrelated sentences score about 0.0-0.2) and discover does
    /// not show it. Between this and the threshold lie weak matches: a terse description asked for in other words (the
    /// README's summarizer for "give me the gist of a long report": 0.257) as well as an unrelated need's nearest
    /// capability. No single number separates the two, so discover shows them, ineligible and saying so, and routing
    /// still needs the threshold.
    /// </summary>
    public const double NoiseFloor = 0.2;

    /// <summary>The score that ranks eligible candidates.</summary>
    public static double Score(double similarity, double reputation) => Math.Max(similarity, 0) * reputation;

    /// <summary>
    /// The reputation routing uses: the Wilson lower bound with one success and one failure added to what the agent has
    /// on record. A newcomer starts near 0.09 (not 0, which would erase similarity from its score), above an agent that
    /// mostly fails and below one with a record of successes.
    /// </summary>
    public static double Reputation(long completed, long failed, long disputesLost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(completed);
        ArgumentOutOfRangeException.ThrowIfNegative(failed);
        ArgumentOutOfRangeException.ThrowIfNegative(disputesLost);
        return WilsonScore.LowerBound(completed + 1, completed + failed + disputesLost + 2);
    }

    /// <summary>Why <paramref name="candidate"/> may not take a task of <paramref name="maxPrice"/>, or <see cref="Ineligibility.None"/>.</summary>
    public static Ineligibility Check(RoutingCandidate candidate, long maxPrice, double threshold)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return !candidate.Present ? Ineligibility.Absent
            : !candidate.Staked ? Ineligibility.Unstaked
            : candidate.Price > maxPrice ? Ineligibility.TooExpensive
            : candidate.Similarity < threshold ? Ineligibility.Dissimilar
            : Ineligibility.None;
    }

    /// <summary>The eligible candidates, best score first; ties by higher similarity, then lower price, then DID.</summary>
    public static IReadOnlyList<RoutingCandidate> Rank(IEnumerable<RoutingCandidate> candidates, long maxPrice, double threshold)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return [.. candidates
            .Where(c => Check(c, maxPrice, threshold) == Ineligibility.None)
            .OrderByDescending(c => c.Score)
            .ThenByDescending(c => c.Similarity)
            .ThenBy(c => c.Price)
            .ThenBy(c => c.Agent.Value, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The candidate that gets the task: among the best few of <paramref name="ranked"/> (as <see cref="Rank"/> orders
    /// them: the first <paramref name="topFew"/>, and every other candidate whose score equals the last of those, so
    /// equal candidates are never split into some that compete and some that wait), the one with the fewest tasks in
    /// flight; equal loads go by <paramref name="turn"/>, so repeated picks among equals rotate. Null when
    /// <paramref name="ranked"/> is empty.
    /// </summary>
    public static RoutingCandidate? Choose(IReadOnlyList<RoutingCandidate> ranked, int topFew, long turn)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentOutOfRangeException.ThrowIfLessThan(topFew, 1);
        if (ranked.Count == 0)
        {
            return null;
        }

        var cut = ranked[Math.Min(topFew, ranked.Count) - 1].Score;
        var few = ranked.TakeWhile((c, i) => i < topFew || c.Score >= cut).ToList();

        var least = few.Min(c => c.InFlight);
        var tied = few.Where(c => c.InFlight == least).ToList();
        return tied[(int)(((turn % tied.Count) + tied.Count) % tied.Count)];
    }
}
