using System.Collections.Immutable;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// Tendermint's consensus algorithm as a pure state machine (Buchman, Kwon, Milosevic 2018, "The latest gossip on
/// BFT consensus", Algorithm 1; line numbers below are that listing's). One <see cref="Step"/> takes an input and
/// returns the next state and what the host must do (<see cref="StepResult"/> says in which order). No clock, no
/// randomness, no I/O: time arrives as <see cref="TimeoutFired"/>, the network as messages, and valid(v) and the key
/// through <see cref="ConsensusContext"/>.
/// <para>
/// Where this differs from the listing, and why: the proposer also schedules timeoutPropose (its getValue() is an
/// asynchronous request to the host, which may never answer); line 55 skips to the (f+1)-th highest round of the
/// other validators' messages (at least one correct validator reached it, as in the paper, and it still works when
/// far rounds are kept only as numbers); line 49 finds the decided block by hash among all proposals of the height
/// (the precommits decide, the proposal only carries the bytes); the gossip the paper assumes is a rebroadcast timer
/// (see OnRebroadcast) plus the last decision's precommits for validators still on earlier heights, and catch-up
/// through the host for validators further behind.
/// </para>
/// <para>
/// Restarts, which the paper does not model: a signing guard refuses any message that could conflict with one signed
/// before (the state then moves on as if the message had been lost); a lock is taken only together with its signed
/// precommit, so a persisted lock always names a real precommit; the guard keeps the validator's recent votes, which a
/// restarted validator sends again; and a lock restored by hash gets its block back from validators relaying
/// precommitted blocks, then is proposed again (as a fresh proposal, vr = -1, when its 2f+1 prevotes are gone).
/// </para>
/// </summary>
public static partial class Tendermint
{
    /// <summary>Messages of rounds beyond the current round plus this are kept only as a round number per validator (line 55).</summary>
    public const int RoundWindow = 8;

    /// <summary>How many messages of the next height are buffered per validator.</summary>
    public const int FutureMessagesPerValidator = 16;

    /// <summary>How many equivocations <see cref="ConsensusState.Evidence"/> keeps.</summary>
    public const int MaxEvidence = 64;

    /// <summary>
    /// Applies <paramref name="input"/> to <paramref name="state"/>. Pure: the same arguments give the same result,
    /// signatures included. Never throws for bad input from the network (it is counted and ignored).
    /// </summary>
    /// <exception cref="ArgumentException">The state was made for another validator set than the context's.</exception>
    public static StepResult Step(ConsensusState state, ConsensusInput input, ConsensusContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        if (state.MaxRoundBySigner.Length != context.Config.Validators.Count)
        {
            throw new ArgumentException("The state was made for a validator set of another size.", nameof(state));
        }

        var run = new Run(state, context);
        run.Handle(input);
        return run.Finish();
    }

    /// <summary>One step in progress: the state so far and the outputs collected. Lives for one <see cref="Step"/> call only.</summary>
    private sealed partial class Run(ConsensusState state, ConsensusContext context)
    {
        private readonly ConsensusConfig _config = context.Config;
        private readonly ValidatorSet _validators = context.Config.Validators;
        private readonly ImmutableArray<ConsensusMessage>.Builder _broadcast = ImmutableArray.CreateBuilder<ConsensusMessage>();
        private readonly ImmutableArray<TimeoutRequest>.Builder _timers = ImmutableArray.CreateBuilder<TimeoutRequest>();
        private ConsensusState _s = state;
        private SigningGuard? _persist;
        private Decision? _decided;
        private ProposalRequest? _needProposal;
        private long? _catchUpFrom;
        private bool _tick;

        private int Self => _config.Self;

        private int Quorum => _validators.Quorum;

        private int OneThirdPlus => _validators.OneThirdPlus;

        public void Handle(ConsensusInput input)
        {
            ReplayFutureMessages();
            switch (input)
            {
                case Start:
                    StartIfIdle();
                    break;
                case ProposalReceived received:
                    Receive(new ProposalMessage(received.Proposal), verified: false);
                    break;
                case VoteReceived received:
                    Receive(new VoteMessage(received.Vote), verified: false);
                    break;
                case TimeoutFired timeout:
                    OnTimeout(timeout);
                    break;
                case RebroadcastDue due:
                    OnRebroadcast(due);
                    break;
                case ProposalValue value:
                    OnProposalValue(value);
                    break;
                case CommitReceived commit:
                    OnCommit(commit);
                    break;
                default:
                    throw new ArgumentException($"Unknown consensus input {input.GetType().Name}.", nameof(input));
            }

            if (_decided is null)
            {
                Settle();
            }

            if (_decided is null)
            {
                CheckBehind();
            }
        }

        public StepResult Finish() =>
            new(_s, _broadcast.ToImmutable(), _timers.ToImmutable(), _persist, _decided, _needProposal, _catchUpFrom);

        private void Schedule(ConsensusInput input, TimeSpan after) => _timers.Add(new TimeoutRequest(after, input));

        private void Invalid() => _s = _s with { InvalidMessages = _s.InvalidMessages + 1 };

        private RoundMessages Log(int round) =>
            _s.Rounds.TryGetValue(round, out var log) ? log : RoundMessages.Empty(_validators.Count);

        private void SetLog(int round, RoundMessages log) => _s = _s with { Rounds = _s.Rounds.SetItem(round, log) };
    }
}
