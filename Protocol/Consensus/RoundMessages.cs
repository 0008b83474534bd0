using System.Collections.Immutable;
using Ainur.Protocol.Hashing;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// The verified messages of one round at the current height: the proposer's proposals (normally one; more only when
/// it equivocated and votes name the other block) and at most one prevote and one precommit per validator, indexed
/// by validator. A second, different vote of a validator is evidence, never stored, so it is never counted twice.
/// </summary>
internal sealed record RoundMessages(ImmutableArray<Proposal> Proposals, ImmutableArray<Vote?> Prevotes, ImmutableArray<Vote?> Precommits)
{
    public static RoundMessages Empty(int validators)
    {
        var none = ImmutableArray.Create(new Vote?[validators]);
        return new([], none, none);
    }

    public ImmutableArray<Vote?> Of(VoteType type) => type == VoteType.Prevote ? Prevotes : Precommits;

    public RoundMessages With(Vote vote) => vote.Type == VoteType.Prevote
        ? this with { Prevotes = Prevotes.SetItem(vote.Validator, vote) }
        : this with { Precommits = Precommits.SetItem(vote.Validator, vote) };

    public RoundMessages With(Proposal proposal) => this with { Proposals = Proposals.Add(proposal) };

    /// <summary>Votes of <paramref name="type"/> for anything, nil included.</summary>
    public int Count(VoteType type)
    {
        var count = 0;
        foreach (var vote in Of(type))
        {
            count += vote is null ? 0 : 1;
        }

        return count;
    }

    /// <summary>Votes of <paramref name="type"/> for <paramref name="blockHash"/> (null: nil).</summary>
    public int Count(VoteType type, Hash32? blockHash)
    {
        var count = 0;
        foreach (var vote in Of(type))
        {
            count += vote is not null && vote.BlockHash == blockHash ? 1 : 0;
        }

        return count;
    }

    /// <summary>The block hash (never nil) with at least <paramref name="quorum"/> votes; with a quorum above half there is at most one.</summary>
    public Hash32? QuorumFor(VoteType type, int quorum)
    {
        foreach (var vote in Of(type))
        {
            if (vote?.BlockHash is { } hash && Count(type, hash) >= quorum)
            {
                return hash;
            }
        }

        return null;
    }

    /// <summary>True when some vote of this round names <paramref name="blockHash"/>.</summary>
    public bool Names(Hash32 blockHash) =>
        Prevotes.Any(v => v?.BlockHash == blockHash) || Precommits.Any(v => v?.BlockHash == blockHash);

    /// <summary>Every message of the round, proposals first.</summary>
    public IEnumerable<ConsensusMessage> All()
    {
        foreach (var proposal in Proposals)
        {
            yield return new ProposalMessage(proposal);
        }

        foreach (var vote in Prevotes.Concat(Precommits))
        {
            if (vote is not null)
            {
                yield return new VoteMessage(vote);
            }
        }
    }
}
