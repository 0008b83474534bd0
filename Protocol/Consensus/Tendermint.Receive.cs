namespace Ainur.Protocol.Consensus;

public static partial class Tendermint
{
    /// <summary>Message intake: structure, deduplication, signature, then the log, the round hints or the next-height buffer.</summary>
    private sealed partial class Run
    {
        /// <summary>Every message goes through here. <paramref name="verified"/>: its signature was checked when it was buffered.</summary>
        private void Receive(ConsensusMessage message, bool verified)
        {
            if (message.Height < _s.Height)
            {
                NoteLaggingPeer();
                return;
            }

            if (!IsWellFormed(message))
            {
                Invalid();
                return;
            }

            if (message.Height > _s.Height)
            {
                ReceiveFuture(message, verified);
                return;
            }

            var round = message.Round;
            if (round > _s.Round + RoundWindow)
            {
                // Far ahead: only the round number matters (line 55), and only if it is news.
                if (round > _s.MaxRoundBySigner[message.Signer] && Verified(message, verified))
                {
                    NoteRound(message.Signer, round);
                    StartIfIdle();
                }

                return;
            }

            var stored = message switch
            {
                ProposalMessage proposal => StoreProposal(proposal.Proposal, verified),
                VoteMessage vote => StoreVote(vote.Vote, verified),
                _ => false,
            };
            if (stored)
            {
                NoteRound(message.Signer, round);
                StartIfIdle();
            }
        }

        /// <summary>Checks that need no signature: indexes, rounds, the proposer of the round, the block's chain and height.</summary>
        private bool IsWellFormed(ConsensusMessage message)
        {
            var signer = message.Signer;
            if (signer < 0 || signer >= _validators.Count || message.Round < 0)
            {
                return false;
            }

            return message switch
            {
                ProposalMessage { Proposal: var p } =>
                    p.Block is not null && p.Signature is not null
                    && signer == _validators.Proposer(p.Height, p.Round)
                    && p.ValidRound >= -1 && p.ValidRound < p.Round
                    && p.Block.Height == p.Height && p.Block.Header.ChainId == _config.ChainId,
                VoteMessage { Vote: var v } =>
                    v.Signature is not null && (v.Type == VoteType.Prevote || v.Type == VoteType.Precommit),
                _ => false,
            };
        }

        private bool Verified(ConsensusMessage message, bool verified)
        {
            if (verified || message switch
                {
                    ProposalMessage p => p.Proposal.VerifySignature(_validators, _config.ChainId),
                    VoteMessage v => v.Vote.VerifySignature(_validators, _config.ChainId),
                    _ => false,
                })
            {
                return true;
            }

            Invalid();
            return false;
        }

        /// <summary>
        /// Keeps each validator's first vote per (round, type). A different later vote is evidence; it is kept too
        /// (counting once for its block, never twice for one) only when it names a block that a first vote or a
        /// proposal of the round names, up to one per validator of the set (see <see cref="RoundMessages"/>).
        /// </summary>
        private bool StoreVote(Vote vote, bool verified)
        {
            var log = Log(vote.Round);
            if (log.Holds(vote))
            {
                return false;
            }

            var message = new VoteMessage(vote);
            if (log.First(vote.Type)[vote.Validator] is not { } first)
            {
                if (!Verified(message, verified))
                {
                    return false;
                }

                SetLog(vote.Round, log.WithFirst(vote));
                return true;
            }

            var wanted = vote.BlockHash is { } hash && log.Names(hash) && log.ConflictingFrom(vote.Validator, vote.Type) < _validators.Count;
            var known = IsKnownEvidence(message);
            if ((known && !wanted) || (!known && !Verified(message, verified)))
            {
                return false;
            }

            if (!known)
            {
                RecordEvidence(new VoteMessage(first), message);
            }

            if (!wanted)
            {
                return false;
            }

            SetLog(vote.Round, log.WithConflicting(vote));
            return true;
        }

        /// <summary>
        /// Keeps the proposer's first proposal of a round. A different one is evidence; it is kept too (so a quorum for
        /// it can still decide, line 49) only when votes of the round name its block, up to one per validator.
        /// </summary>
        private bool StoreProposal(Proposal proposal, bool verified)
        {
            var log = Log(proposal.Round);
            if (log.Proposals.Any(p => SameProposal(p, proposal)))
            {
                return false;
            }

            var message = new ProposalMessage(proposal);
            var wanted = log.Proposals.IsEmpty || (log.Names(proposal.Block.Hash) && log.Proposals.Length <= _validators.Count);
            var known = IsKnownEvidence(message);
            if ((known && !wanted) || (!known && !Verified(message, verified)))
            {
                return false;
            }

            if (!known && !log.Proposals.IsEmpty)
            {
                RecordEvidence(new ProposalMessage(log.Proposals[0]), message);
            }

            if (!wanted)
            {
                return false;
            }

            SetLog(proposal.Round, log.With(proposal));
            if (_s.LockedValue is null && _s.LockedBlockHash == proposal.Block.Hash)
            {
                // A lock restored by hash gets its block back; it had a 2f+1 prevote quorum at lockedRound, so it is
                // also a valid value of that round (lines 36, 42-43), which this validator may propose again.
                _s = _s with { LockedValue = proposal.Block };
                if (_s.ValidRound < _s.LockedRound)
                {
                    _s = _s with { ValidValue = proposal.Block, ValidRound = _s.LockedRound };
                }
            }

            return true;
        }

        /// <summary>
        /// A verified message of a later height: buffered when it is of the next height (replayed there), else only
        /// its height is noted. Either way it counts toward catch-up.
        /// </summary>
        private void ReceiveFuture(ConsensusMessage message, bool verified)
        {
            var signer = message.Signer;
            if (message.Height == _s.Height + 1)
            {
                if (_s.FutureMessages.Any(m => SameMessage(m, message))
                    || _s.FutureMessages.Count(m => m.Signer == signer) >= FutureMessagesPerValidator
                    || !Verified(message, verified))
                {
                    return;
                }

                _s = _s with { FutureMessages = _s.FutureMessages.Add(message) };
            }
            else if (message.Height <= _s.MaxHeightBySigner[signer] || !Verified(message, verified))
            {
                return;
            }

            if (message.Height > _s.MaxHeightBySigner[signer])
            {
                _s = _s with { MaxHeightBySigner = _s.MaxHeightBySigner.SetItem(signer, message.Height) };
            }
        }

        /// <summary>Messages buffered for this height are handled first, before the input (they arrived earlier).</summary>
        private void ReplayFutureMessages()
        {
            if (_s.FutureMessages.IsEmpty || _s.FutureMessages[0].Height > _s.Height)
            {
                return;
            }

            var buffered = _s.FutureMessages;
            _s = _s with { FutureMessages = [] };
            foreach (var message in buffered)
            {
                Receive(message, verified: true);
            }
        }

        private void NoteRound(int signer, int round)
        {
            if (round > _s.MaxRoundBySigner[signer])
            {
                _s = _s with { MaxRoundBySigner = _s.MaxRoundBySigner.SetItem(signer, round) };
            }
        }

        private void RecordEvidence(ConsensusMessage first, ConsensusMessage second)
        {
            var evidence = _s.Evidence.Add(new Equivocation(first, second));
            _s = _s with { Evidence = evidence.Count > MaxEvidence ? evidence.RemoveAt(0) : evidence };
        }

        // Byte for byte, signature included: only a message verified before may skip verification.
        private bool IsKnownEvidence(ConsensusMessage message) => _s.Evidence.Any(e => e.Second.Equals(message));

        private static bool SameMessage(ConsensusMessage a, ConsensusMessage b) => (a, b) switch
        {
            (ProposalMessage x, ProposalMessage y) => SameProposal(x.Proposal, y.Proposal),
            (VoteMessage x, VoteMessage y) => RoundMessages.Same(x.Vote, y.Vote),
            _ => false,
        };

        private static bool SameProposal(Proposal a, Proposal b) =>
            a.Height == b.Height && a.Round == b.Round && a.ValidRound == b.ValidRound && a.Proposer == b.Proposer
            && a.Block.Hash == b.Block.Hash;
    }
}
