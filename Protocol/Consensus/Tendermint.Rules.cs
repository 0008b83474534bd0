using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Consensus;

public static partial class Tendermint
{
    /// <summary>Algorithm 1's "upon" rules, StartRound and the timeout functions.</summary>
    private sealed partial class Run
    {
        /// <summary>Fires enabled "upon" rules until none is enabled: each rule's guard turns false once it fired, so this ends.</summary>
        private void Settle()
        {
            while (_decided is null && _s.Started && FireOne())
            {
            }
        }

        private bool FireOne() =>
            TryDecide() || TrySkipRound() || TryPrevoteProposal() || TryPrevoteValidRoundProposal()
            || TryScheduleTimeoutPrevote() || TryPrecommitValue() || TryPrecommitNil() || TryScheduleTimeoutPrecommit();

        /// <summary>Lines 11-21: StartRound(round).</summary>
        private void StartRound(int round)
        {
            var height = _s.Height;
            _s = _s with { Round = round, Step = SignStep.Propose, Started = true, Flags = default };
            _needProposal = null;

            // Line 21 for every validator: the proposer's getValue() is a request to the host that may never be answered.
            Schedule(new TimeoutFired(height, round, SignStep.Propose), _config.Timeouts.ProposeFor(round));
            EnsureTick();
            if (_validators.Proposer(height, round) != Self)
            {
                return;
            }

            if (_s.ValidValue is { } validValue)
            {
                // Lines 15-16, 19. A validValue restored from a lock after a restart may lack its 2f+1 prevotes here;
                // then it goes out as a fresh proposal, which unlocked validators can still prevote (line 22).
                var shown = Log(_s.ValidRound).Count(VoteType.Prevote, validValue.Hash) >= Quorum;
                Propose(validValue, shown ? _s.ValidRound : -1);
            }
            else
            {
                _needProposal = new ProposalRequest(height, round); // line 18: getValue()
            }
        }

        private void StartIfIdle()
        {
            if (!_s.Started)
            {
                StartRound(_s.Round); // line 10: upon start do StartRound(0), or the restored guard's round
                ResendRestoredVotes();
            }
        }

        /// <summary>Line 19 with the host's getValue() answer.</summary>
        private void OnProposalValue(ProposalValue value)
        {
            if (value.Block is not null && value.Height == _s.Height && value.Round == _s.Round && _s.Started
                && _s.Step == SignStep.Propose && _validators.Proposer(_s.Height, _s.Round) == Self
                && !Log(_s.Round).Proposals.Any(p => p.Proposer == Self))
            {
                Propose(value.Block, _s.ValidRound);
            }
        }

        /// <summary>Lines 22-27: a fresh proposal (validRound -1) in the propose step.</summary>
        private bool TryPrevoteProposal()
        {
            if (_s.Step != SignStep.Propose)
            {
                return false;
            }

            foreach (var proposal in Log(_s.Round).Proposals)
            {
                if (proposal.ValidRound == -1)
                {
                    var v = proposal.Block;
                    var acceptable = Valid(v) && (_s.LockedRound == -1 || _s.LockedBlockHash == v.Hash); // line 23
                    CastVote(VoteType.Prevote, acceptable ? v.Hash : null); // lines 24, 26
                    _s = _s with { Step = SignStep.Prevote }; // line 27
                    return true;
                }
            }

            return false;
        }

        /// <summary>Lines 28-33: a re-proposal whose validRound vr &lt; round_p has 2f+1 prevotes at vr.</summary>
        private bool TryPrevoteValidRoundProposal()
        {
            if (_s.Step != SignStep.Propose)
            {
                return false;
            }

            foreach (var proposal in Log(_s.Round).Proposals)
            {
                var vr = proposal.ValidRound;
                var v = proposal.Block;
                if (vr >= 0 && vr < _s.Round && Log(vr).Count(VoteType.Prevote, v.Hash) >= Quorum)
                {
                    var acceptable = Valid(v) && (_s.LockedRound <= vr || _s.LockedBlockHash == v.Hash); // line 29
                    CastVote(VoteType.Prevote, acceptable ? v.Hash : null); // lines 30, 32
                    _s = _s with { Step = SignStep.Prevote }; // line 33
                    return true;
                }
            }

            return false;
        }

        /// <summary>Lines 34-35: 2f+1 prevotes of any kind in the prevote step, first time: schedule OnTimeoutPrevote.</summary>
        private bool TryScheduleTimeoutPrevote()
        {
            if (_s.Step != SignStep.Prevote || _s.Flags.PrevoteTimerSet || Log(_s.Round).Count(VoteType.Prevote) < Quorum)
            {
                return false;
            }

            Schedule(new TimeoutFired(_s.Height, _s.Round, SignStep.Prevote), _config.Timeouts.PrevoteFor(_s.Round));
            _s = _s with { Flags = _s.Flags with { PrevoteTimerSet = true } };
            return true;
        }

        /// <summary>Lines 36-43: the proposal of this round and 2f+1 prevotes for it, first time: lock and precommit it, or only remember it as valid.</summary>
        private bool TryPrecommitValue()
        {
            if (_s.Step < SignStep.Prevote || _s.Flags.ValidValueSet)
            {
                return false;
            }

            var log = Log(_s.Round);
            foreach (var proposal in log.Proposals)
            {
                var v = proposal.Block;
                if (log.Count(VoteType.Prevote, v.Hash) < Quorum || !Valid(v))
                {
                    continue;
                }

                if (_s.Step == SignStep.Prevote)
                {
                    // Lines 38-40. The lock protects this precommit; when the guard refuses to sign it (after a restart),
                    // there is nothing to protect and no lock, so a persisted lock always names a signed precommit.
                    if (MaySign(SignStep.Precommit, v.Hash))
                    {
                        _s = _s with { LockedValue = v, LockedBlockHash = v.Hash, LockedRound = _s.Round };
                        CastVote(VoteType.Precommit, v.Hash);
                    }

                    _s = _s with { Step = SignStep.Precommit }; // line 41
                }

                _s = _s with { ValidValue = v, ValidRound = _s.Round, Flags = _s.Flags with { ValidValueSet = true } }; // lines 42-43
                return true;
            }

            return false;
        }

        /// <summary>Lines 44-46: 2f+1 prevotes for nil in the prevote step: precommit nil.</summary>
        private bool TryPrecommitNil()
        {
            if (_s.Step != SignStep.Prevote || Log(_s.Round).Count(VoteType.Prevote, null) < Quorum)
            {
                return false;
            }

            CastVote(VoteType.Precommit, null);
            _s = _s with { Step = SignStep.Precommit };
            return true;
        }

        /// <summary>Lines 47-48: 2f+1 precommits of any kind, first time: schedule OnTimeoutPrecommit.</summary>
        private bool TryScheduleTimeoutPrecommit()
        {
            if (_s.Flags.PrecommitTimerSet || Log(_s.Round).Count(VoteType.Precommit) < Quorum)
            {
                return false;
            }

            Schedule(new TimeoutFired(_s.Height, _s.Round, SignStep.Precommit), _config.Timeouts.PrecommitFor(_s.Round));
            _s = _s with { Flags = _s.Flags with { PrecommitTimerSet = true } };
            return true;
        }

        /// <summary>Lines 49-54: 2f+1 precommits for id(v) in any round r, v known and valid: decide v.</summary>
        private bool TryDecide()
        {
            foreach (var (round, log) in _s.Rounds)
            {
                if (log.QuorumFor(VoteType.Precommit, Quorum) is { } hash && FindBlock(hash) is { } block && Valid(block))
                {
                    Decide(block, Certificate(round, hash, log));
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Line 55: f+1 validators sent messages of a round above round_p: StartRound of the highest round that f+1 of
        /// them reached (with all of them in one round, exactly the paper's rule).
        /// </summary>
        private bool TrySkipRound()
        {
            var rounds = _s.MaxRoundBySigner.Sort();
            var reached = rounds[rounds.Length - OneThirdPlus];
            if (reached <= _s.Round)
            {
                return false;
            }

            StartRound(reached); // line 56
            return true;
        }

        /// <summary>Lines 57-67: OnTimeoutPropose, OnTimeoutPrevote, OnTimeoutPrecommit; stale timeouts do nothing.</summary>
        private void OnTimeout(TimeoutFired timeout)
        {
            if (!_s.Started || timeout.Height != _s.Height || timeout.Round != _s.Round)
            {
                return;
            }

            switch (timeout.Step)
            {
                case SignStep.Propose when _s.Step == SignStep.Propose: // lines 57-60
                    CastVote(VoteType.Prevote, null);
                    _s = _s with { Step = SignStep.Prevote };
                    break;
                case SignStep.Prevote when _s.Step == SignStep.Prevote: // lines 61-64
                    CastVote(VoteType.Precommit, null);
                    _s = _s with { Step = SignStep.Precommit };
                    break;
                case SignStep.Precommit: // lines 65-67
                    StartRound(_s.Round + 1);
                    break;
            }
        }

        /// <summary>Catch-up: a certified block of this height is decided without voting (line 51 on someone else's quorum).</summary>
        private void OnCommit(CommitReceived commit)
        {
            var (block, certificate) = (commit.Block, commit.Certificate);
            if (block is null || certificate is null || certificate.Height != _s.Height)
            {
                return;
            }

            if (block.Hash != certificate.BlockHash || certificate.Verify(_validators, _config.ChainId) is not null || !Valid(block))
            {
                Invalid();
                return;
            }

            Decide(block, certificate);
        }

        /// <summary>Lines 51-54: decide, then move to the next height (not started: the host applies the block first).</summary>
        private void Decide(Block block, CommitCertificate certificate)
        {
            _decided = new Decision(block, certificate);
            _needProposal = null;
            _s = (_s with { LastDecision = _decided }).AtHeight(_s.Height + 1, _validators.Count);
        }

        /// <summary>valid(v) of this height, asked of the host once per block hash.</summary>
        private bool Valid(Block block)
        {
            if (block.Height != _s.Height || block.Header.ChainId != _config.ChainId)
            {
                return false;
            }

            if (_s.Validity.TryGetValue(block.Hash, out var known))
            {
                return known;
            }

            var valid = context.IsValid(block);
            _s = _s with { Validity = _s.Validity.SetItem(block.Hash, valid) };
            return valid;
        }

        /// <summary>The block with <paramref name="hash"/> among this height's proposals and the locked and valid values.</summary>
        private Block? FindBlock(Hash32 hash)
        {
            if (_s.LockedValue?.Hash == hash)
            {
                return _s.LockedValue;
            }

            if (_s.ValidValue?.Hash == hash)
            {
                return _s.ValidValue;
            }

            foreach (var log in _s.Rounds.Values)
            {
                foreach (var proposal in log.Proposals)
                {
                    if (proposal.Block.Hash == hash)
                    {
                        return proposal.Block;
                    }
                }
            }

            return null;
        }

        /// <summary>The commit certificate of <paramref name="hash"/> at <paramref name="round"/>: its precommits in validator order.</summary>
        private CommitCertificate Certificate(int round, Hash32 hash, RoundMessages log)
        {
            var signatures = log.VotesFor(VoteType.Precommit, hash).Select(v => new CommitSignature(v.Validator, v.Signature));
            return new CommitCertificate(_s.Height, round, hash, [.. signatures]);
        }
    }
}
