using System.Collections.Immutable;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// The validators of one ledger, in index order, each with equal voting power. With n = 3f + 1 members the group
/// tolerates f faulty ones; a decision needs more than two thirds of them (<see cref="Quorum"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.ValidatorSet")]
public sealed record ValidatorSet([property: Id(0)] ImmutableArray<Did> Members)
{
    /// <summary>Number of validators.</summary>
    public int Count => Members.Length;

    /// <summary>How many faulty validators the set tolerates: f = floor((n - 1) / 3).</summary>
    public int MaxFaulty => (Count - 1) / 3;

    /// <summary>The smallest number of validators that is more than two thirds of them.</summary>
    public int Quorum => (2 * Count / 3) + 1;

    /// <summary>More than one third: any such group holds at least one honest validator.</summary>
    public int OneThirdPlus => (Count / 3) + 1;

    /// <summary>Round-robin proposer of <paramref name="height"/> and <paramref name="round"/> (Algorithm 1's proposer(h, r)).</summary>
    public int Proposer(long height, int round) => (int)((height + round) % Count);

    /// <summary>Index of <paramref name="did"/>, or -1.</summary>
    public int IndexOf(Did did) => Members.IndexOf(did);

    /// <summary>Blake2b-256 of the members' keys in order: names this set in proofs and logs.</summary>
    public Hash32 Hash()
    {
        var writer = new CanonicalWriter(4 + (32 * Count)).I32(Count);
        foreach (var member in Members)
        {
            writer.Did(member);
        }

        return Blake2b.Hash(HashDomain.ValidatorSet, writer.Written);
    }

    /// <summary>Equality by members in order.</summary>
    public bool Equals(ValidatorSet? other) => other is not null && Members.AsSpan().SequenceEqual(other.Members.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode() => Count;
}
