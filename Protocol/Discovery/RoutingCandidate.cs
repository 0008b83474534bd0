using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Discovery;

/// <summary>
/// One agent's offer of one capability, as routing sees it: how similar its capability is to the need (1 when the
/// task names the capability), its reputation (see <see cref="Routing.Reputation"/>), its price, its tasks in flight,
/// whether it is present and whether it holds the minimum stake.
/// </summary>
public sealed record RoutingCandidate(
    Did Agent,
    string Capability,
    double Similarity,
    double Reputation,
    long Price,
    int InFlight,
    bool Present,
    bool Staked)
{
    /// <summary>The ranking score: similarity times reputation.</summary>
    public double Score => Routing.Score(Similarity, Reputation);
}

/// <summary>Why a candidate may not take a task; <see cref="None"/> when it may.</summary>
public enum Ineligibility
{
    /// <summary>Eligible.</summary>
    None = 0,

    /// <summary>Silent for longer than the presence TTL.</summary>
    Absent,

    /// <summary>Holds less than the minimum stake.</summary>
    Unstaked,

    /// <summary>Asks more than the task's maxPrice.</summary>
    TooExpensive,

    /// <summary>Its capability is not similar enough to the need.</summary>
    Dissimilar,
}
