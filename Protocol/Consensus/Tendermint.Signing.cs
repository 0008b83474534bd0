using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Consensus;

public static partial class Tendermint
{
    /// <summary>Signing behind the double-sign guard: Algorithm 1's broadcasts of this validator's own messages.</summary>
    private sealed partial class Run
    {
        /// <summary>Line 19: broadcast ⟨PROPOSAL, h_p, round_p, v, validRound⟩, counted locally first.</summary>
        private void Propose(Block block, int validRound)
        {
            var (height, round) = (_s.Height, _s.Round);
            if (!MaySign(SignStep.Propose, block.Hash))
            {
                return;
            }

            var signature = context.Key.Sign(Proposal.SigningBytes(_config.ChainId, height, round, validRound, block.Hash));
            var proposal = new Proposal(height, round, validRound, block, Self, signature);
            Signed(SignStep.Propose, block.Hash);
            var log = Log(round);
            if (!log.Proposals.Any(p => p.Proposer == Self))
            {
                SetLog(round, log.With(proposal));
            }

            NoteRound(Self, round);
            _broadcast.Add(new ProposalMessage(proposal));
        }

        /// <summary>Lines 24, 26, 30, 32, 40, 45, 59, 63: broadcast a vote of this validator, counted locally first.</summary>
        private void CastVote(VoteType type, Hash32? blockHash)
        {
            var (height, round) = (_s.Height, _s.Round);
            var step = type == VoteType.Prevote ? SignStep.Prevote : SignStep.Precommit;
            if (!MaySign(step, blockHash))
            {
                return;
            }

            var vote = new Vote(type, height, round, blockHash, Self, context.Key.Sign(Vote.SigningBytes(_config.ChainId, type, height, round, blockHash)));
            var log = Log(round);
            if (log.First(type)[Self] is null)
            {
                SetLog(round, log.WithFirst(vote));
            }

            Signed(step, blockHash);
            NoteRound(Self, round);
            _broadcast.Add(new VoteMessage(vote));
        }

        /// <summary>
        /// After a restart in the middle of a height, this validator's votes that the guard kept are counted and sent
        /// again (the same signed bytes): they may never have left before the crash, and others may be unable to leave
        /// their round without them; the lock's precommit tells holders of that block to relay it back.
        /// </summary>
        private void ResendRestoredVotes()
        {
            if (_s.Guard is not { RecentVotes.IsDefaultOrEmpty: false } guard || guard.Height != _s.Height)
            {
                return;
            }

            foreach (var vote in guard.RecentVotes)
            {
                var log = Log(vote.Round);
                if (vote.Height == _s.Height && vote.Validator == Self && log.First(vote.Type)[Self] is null)
                {
                    SetLog(vote.Round, log.WithFirst(vote));
                    NoteRound(Self, vote.Round);
                    _broadcast.Add(new VoteMessage(vote));
                }
            }
        }

        /// <summary>
        /// The double-sign guard: only points after the last signed one, or that very point for the same block (a
        /// byte-identical re-send, as Ed25519 signing is deterministic). A refused message is simply not sent.
        /// </summary>
        private bool MaySign(SignStep step, Hash32? blockHash)
        {
            if (_s.Guard is not { } guard)
            {
                return true;
            }

            var order = (_s.Height, _s.Round, (int)step).CompareTo((guard.Height, guard.Round, (int)guard.Step));
            return order > 0 || (order == 0 && guard.BlockHash == blockHash);
        }

        /// <summary>Moves the guard to what was just signed, with the current lock and recent votes; the host persists it before sending.</summary>
        private void Signed(SignStep step, Hash32? blockHash)
        {
            var guard = new SigningGuard(_s.Height, _s.Round, step, blockHash, _s.LockedRound, _s.LockedBlockHash, OwnRecentVotes());
            if (guard != _s.Guard)
            {
                _s = _s with { Guard = guard };
                _persist = guard;
            }
        }

        /// <summary>This validator's votes of the current and previous round, and its lock's precommit, in (round, type) order.</summary>
        private ImmutableArray<Vote> OwnRecentVotes()
        {
            var votes = ImmutableArray.CreateBuilder<Vote>();
            var rounds = new SortedSet<int> { _s.Round - 1, _s.Round };
            if (_s.LockedRound >= 0)
            {
                rounds.Add(_s.LockedRound);
            }

            foreach (var round in rounds.Where(r => r >= 0))
            {
                var log = Log(round);
                foreach (var vote in new[] { log.Prevotes[Self], log.Precommits[Self] })
                {
                    if (vote is not null && (round >= _s.Round - 1 || vote.Type == VoteType.Precommit))
                    {
                        votes.Add(vote);
                    }
                }
            }

            return votes.ToImmutable();
        }
    }
}
