using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Orleans;

namespace Ainur.Protocol.Consensus;

/// <summary>The three signing steps of a round, in the order a validator signs them.</summary>
public enum SignStep : byte
{
    /// <summary>A proposal.</summary>
    Propose = 1,

    /// <summary>A prevote.</summary>
    Prevote = 2,

    /// <summary>A precommit.</summary>
    Precommit = 3,
}

/// <summary>
/// A validator's double-sign guard: the last (height, round, step) it signed and for which block (null: nil), and its
/// Tendermint lock (<paramref name="LockedRound"/> -1 when unlocked). The host persists it durably before sending the
/// message it describes; a restarted or moved validator loads it and never signs at or before that point again
/// except the very same message, and keeps its lock, so a restart can neither equivocate nor unlock.
/// <paramref name="RecentVotes"/> are its own signed votes of this height in the guard's round and the round before,
/// and the precommit behind its lock: a restarted validator sends them again, as a validator that never crashed
/// would, since others may still need them to leave those rounds. Default (empty) when none.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.SigningGuard")]
public sealed record SigningGuard(
    [property: Id(0)] long Height,
    [property: Id(1)] int Round,
    [property: Id(2)] SignStep Step,
    [property: Id(3)] Hash32? BlockHash,
    [property: Id(4)] int LockedRound,
    [property: Id(5)] Hash32? LockedBlockHash,
    [property: Id(6)] ImmutableArray<Vote> RecentVotes = default)
{
    /// <summary>Equality by content, votes included.</summary>
    public bool Equals(SigningGuard? other) =>
        other is not null && Height == other.Height && Round == other.Round && Step == other.Step && BlockHash == other.BlockHash
        && LockedRound == other.LockedRound && LockedBlockHash == other.LockedBlockHash
        && RecentVotes.IsDefaultOrEmpty == other.RecentVotes.IsDefaultOrEmpty
        && (RecentVotes.IsDefaultOrEmpty || RecentVotes.SequenceEqual(other.RecentVotes));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Height, Round, Step, BlockHash);
}
