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
            Signed(step, blockHash);
            var log = Log(round);
            if (log.First(type)[Self] is null)
            {
                SetLog(round, log.WithFirst(vote));
            }

            NoteRound(Self, round);
            _broadcast.Add(new VoteMessage(vote));
        }

        /// <summary>
        /// After a restart in the middle of a height, the vote the guard names is signed again (the same bytes) and
        /// counted and sent: it may never have left before the crash, and without it a restarted validator that may
        /// sign nothing else in its round would be silent, so no one would learn that it needs help.
        /// </summary>
        private void ResendGuardedVote()
        {
            if (_s.Guard is not { } guard || guard.Height != _s.Height || guard.Round != _s.Round || guard.Step == SignStep.Propose)
            {
                return;
            }

            var type = guard.Step == SignStep.Prevote ? VoteType.Prevote : VoteType.Precommit;
            if (Log(guard.Round).First(type)[Self] is null)
            {
                CastVote(type, guard.BlockHash);
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

        /// <summary>Moves the guard to what was just signed, with the current lock; the host persists it before sending.</summary>
        private void Signed(SignStep step, Hash32? blockHash)
        {
            var guard = new SigningGuard(_s.Height, _s.Round, step, blockHash, _s.LockedRound, _s.LockedBlockHash);
            if (guard != _s.Guard)
            {
                _s = _s with { Guard = guard };
                _persist = guard;
            }
        }
    }
}
