namespace Ainur.Protocol.Consensus;

public static partial class Tendermint
{
    /// <summary>
    /// The gossip Algorithm 1 assumes ("a message received by a correct process is eventually received by every
    /// correct process"), and catch-up for a validator that fell behind.
    /// </summary>
    private sealed partial class Run
    {
        /// <summary>One rebroadcast timer per height at a time.</summary>
        private void EnsureTick()
        {
            if (!_s.TickPending)
            {
                _s = _s with { TickPending = true };
                Schedule(new RebroadcastDue(_s.Height), _config.Timeouts.RebroadcastEvery);
            }
        }

        /// <summary>
        /// Re-sends what peers may have lost: every message held of the current and previous round (so validators one
        /// round behind can time out, and f+1 of a round make the others skip to it, line 55) and of validRound (the
        /// 2f+1 prevotes that justify a re-proposal, line 28); of older rounds, the blocks someone precommitted with
        /// their votes (a validator locked on one, perhaps restarted without it, needs the block and its prevotes to
        /// propose it again); and, when a validator of an earlier height was heard, the last decision's precommits,
        /// which let it decide (line 49) or see it must catch up.
        /// </summary>
        private void OnRebroadcast(RebroadcastDue due)
        {
            if (due.Height != _s.Height)
            {
                return;
            }

            _s = _s with { TickPending = false };
            _tick = true;
            if (_s.Started)
            {
                foreach (var (round, log) in _s.Rounds)
                {
                    _broadcast.AddRange(round >= _s.Round - 1 || round == _s.ValidRound ? log.All() : log.Precommitted());
                }

                EnsureTick();
            }

            if (_s.LaggingPeerSeen && _s.LastDecision is { Certificate: var certificate })
            {
                foreach (var signature in certificate.Signatures)
                {
                    _broadcast.Add(new VoteMessage(new Vote(
                        VoteType.Precommit, certificate.Height, certificate.Round, certificate.BlockHash, signature.Validator, signature.Signature)));
                }
            }

            _s = _s with { LaggingPeerSeen = false };
        }

        /// <summary>
        /// A message of an earlier height: its sender may lack our last decision's precommits; send them on the next
        /// tick. A validator more than one height behind sees in them that f+1 validators moved on, and catches up.
        /// </summary>
        private void NoteLaggingPeer()
        {
            if (_s.LastDecision is not null && !_s.LaggingPeerSeen)
            {
                _s = _s with { LaggingPeerSeen = true };
                EnsureTick();
            }
        }

        /// <summary>
        /// Catch-up: this height is already decided elsewhere when f+1 validators (one correct at least) signed messages
        /// of later heights, or when 2f+1 precommits name a block this validator never received. Asked at once when
        /// nothing else can make progress (not started, or f+1 are two heights ahead), else on the rebroadcast tick, so a
        /// validator that is merely a message behind usually finishes by itself.
        /// </summary>
        private void CheckBehind()
        {
            var ahead = _s.MaxHeightBySigner.Count(h => h > _s.Height);
            var farAhead = _s.MaxHeightBySigner.Count(h => h > _s.Height + 1);
            if (ahead < OneThirdPlus && !MissesDecidedBlock())
            {
                return;
            }

            EnsureTick();
            var urgent = !_s.Started || farAhead >= OneThirdPlus;
            if (_tick || (urgent && !_s.CatchUpRequested))
            {
                _catchUpFrom = _s.Height;
                _s = _s with { CatchUpRequested = true };
            }
        }

        private bool MissesDecidedBlock()
        {
            foreach (var log in _s.Rounds.Values)
            {
                if (log.QuorumFor(VoteType.Precommit, Quorum) is { } hash && FindBlock(hash) is null)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
