using System.Collections.Immutable;
using Ainur.Protocol.Hashing;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// The verified messages of one round at the current height. Proposals: the proposer's first, and others only when
/// votes name their block. Votes: each validator's first prevote and first precommit, plus <see cref="Conflicting"/>
/// later votes of an equivocating validator for other blocks that someone else voted for or proposed.
/// <para>
/// Counting follows Algorithm 1: "2f+1 ⟨PREVOTE, h, r, id(v)⟩" counts distinct validators that voted for id(v), so an
/// equivocator counts once for each block it voted for and never twice for one. That is safe (two quorums share
/// f+1 validators, one of them correct, and a correct one never votes twice), and it is needed for liveness: a correct
/// validator locked on v by a quorum that included an equivocator's vote must be able to show that quorum to
/// validators that first saw the equivocator's other vote (CometBFT keeps such votes for the same reason, on a peer's
/// +2/3 claim). Votes for nil, and for blocks nobody else names, are never kept twice, which bounds the log.
/// </para>
/// </summary>
internal sealed record RoundMessages(
    ImmutableArray<Proposal> Proposals, ImmutableArray<Vote?> Prevotes, ImmutableArray<Vote?> Precommits, ImmutableList<Vote> Conflicting)
{
    public static RoundMessages Empty(int validators)
    {
        var none = ImmutableArray.Create(new Vote?[validators]);
        return new([], none, none, []);
    }

    /// <summary>Each validator's first vote of <paramref name="type"/>, by validator index.</summary>
    public ImmutableArray<Vote?> First(VoteType type) => type == VoteType.Prevote ? Prevotes : Precommits;

    public RoundMessages WithFirst(Vote vote) => vote.Type == VoteType.Prevote
        ? this with { Prevotes = Prevotes.SetItem(vote.Validator, vote) }
        : this with { Precommits = Precommits.SetItem(vote.Validator, vote) };

    public RoundMessages WithConflicting(Vote vote) => this with { Conflicting = Conflicting.Add(vote) };

    public RoundMessages With(Proposal proposal) => this with { Proposals = Proposals.Add(proposal) };

    /// <summary>True when the vote (same signed content) is already held, first or conflicting.</summary>
    public bool Holds(Vote vote) =>
        (First(vote.Type)[vote.Validator] is { } first && Same(first, vote)) || Conflicting.Any(v => Same(v, vote));

    /// <summary>How many conflicting votes of <paramref name="type"/> from <paramref name="validator"/> are kept.</summary>
    public int ConflictingFrom(int validator, VoteType type) => Conflicting.Count(v => v.Validator == validator && v.Type == type);

    /// <summary>Validators that voted <paramref name="type"/> at all in this round.</summary>
    public int Count(VoteType type)
    {
        var count = 0;
        foreach (var vote in First(type))
        {
            count += vote is null ? 0 : 1;
        }

        return count;
    }

    /// <summary>Validators that voted <paramref name="type"/> for <paramref name="blockHash"/> (null: nil).</summary>
    public int Count(VoteType type, Hash32? blockHash)
    {
        var count = 0;
        foreach (var vote in First(type))
        {
            count += vote is not null && vote.BlockHash == blockHash ? 1 : 0;
        }

        foreach (var vote in Conflicting)
        {
            count += vote.Type == type && vote.BlockHash == blockHash ? 1 : 0;
        }

        return count;
    }

    /// <summary>The votes of <paramref name="type"/> for <paramref name="blockHash"/>, one per validator, in validator order.</summary>
    public IEnumerable<Vote> VotesFor(VoteType type, Hash32? blockHash) =>
        First(type).Where(v => v is not null && v.BlockHash == blockHash)
            .Concat(Conflicting.Where(v => v.Type == type && v.BlockHash == blockHash))
            .OrderBy(v => v!.Validator)!;

    /// <summary>A block hash (never nil) with at least <paramref name="quorum"/> votes of <paramref name="type"/>.</summary>
    public Hash32? QuorumFor(VoteType type, int quorum)
    {
        foreach (var vote in First(type).Concat(Conflicting))
        {
            if (vote is not null && vote.Type == type && vote.BlockHash is { } hash && Count(type, hash) >= quorum)
            {
                return hash;
            }
        }

        return null;
    }

    /// <summary>True when a first vote or a proposal of this round names <paramref name="blockHash"/>.</summary>
    public bool Names(Hash32 blockHash) =>
        Prevotes.Any(v => v?.BlockHash == blockHash) || Precommits.Any(v => v?.BlockHash == blockHash)
        || Proposals.Any(p => p.Block.Hash == blockHash);

    /// <summary>Every message of the round, proposals first.</summary>
    public IEnumerable<ConsensusMessage> All()
    {
        foreach (var proposal in Proposals)
        {
            yield return new ProposalMessage(proposal);
        }

        foreach (var vote in Prevotes.Concat(Precommits).Concat(Conflicting))
        {
            if (vote is not null)
            {
                yield return new VoteMessage(vote);
            }
        }
    }

    /// <summary>For each block some precommit of this round names: its proposals and every vote for it.</summary>
    public IEnumerable<ConsensusMessage> Precommitted()
    {
        var blocks = Precommits.Concat(Conflicting).Where(v => v?.Type == VoteType.Precommit && v.BlockHash is not null)
            .Select(v => v!.BlockHash!.Value).Distinct();
        foreach (var hash in blocks)
        {
            foreach (var proposal in Proposals.Where(p => p.Block.Hash == hash))
            {
                yield return new ProposalMessage(proposal);
            }

            foreach (var vote in VotesFor(VoteType.Prevote, hash).Concat(VotesFor(VoteType.Precommit, hash)))
            {
                yield return new VoteMessage(vote);
            }
        }
    }

    // Same signed content: a second signature over the same bytes is a re-send, not an equivocation.
    public static bool Same(Vote a, Vote b) =>
        a.Type == b.Type && a.Height == b.Height && a.Round == b.Round && a.BlockHash == b.BlockHash && a.Validator == b.Validator;
}
