using System.Collections.Immutable;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>One core driven by hand, for the paper tests: keeps the state and the outputs of the last step.</summary>
internal sealed class CoreHarness
{
    private readonly TestValidators _validators;
    private Func<Block, bool> _isValid = _ => true;

    public CoreHarness(TestValidators validators, int self, long height = 1, SigningGuard? restored = null)
    {
        _validators = validators;
        Self = self;
        State = ConsensusState.Initial(validators.Config(self), height, restored);
    }

    public int Self { get; }

    public ConsensusState State { get; private set; }

    public StepResult Last { get; private set; } = null!;

    public int ValidityChecks { get; private set; }

    /// <summary>Sets valid(v) for the following steps; <see cref="ValidityChecks"/> counts its calls.</summary>
    public void UseValidity(Func<Block, bool> isValid) => _isValid = block =>
    {
        ValidityChecks++;
        return isValid(block);
    };

    public StepResult Step(ConsensusInput input)
    {
        Last = Tendermint.Step(State, input, _validators.Context(Self, _isValid));
        State = Last.Next;
        return Last;
    }

    public StepResult Receive(Proposal proposal) => Step(new ProposalReceived(proposal));

    public StepResult Receive(Vote vote) => Step(new VoteReceived(vote));

    /// <summary>Feeds several inputs; returns every message broadcast on the way.</summary>
    public ImmutableArray<ConsensusMessage> Feed(params IEnumerable<ConsensusInput> inputs) =>
        [.. inputs.SelectMany(input => Step(input).Broadcast)];

    /// <summary>The single vote this validator broadcast in the last step (fails if not exactly one).</summary>
    public Vote SentVote() => Assert.Single(Last.Broadcast.OfType<VoteMessage>()).Vote;

    public IEnumerable<TimeoutRequest> TimersFor(SignStep step) =>
        Last.Timers.Where(t => t.Input is TimeoutFired fired && fired.Step == step);
}
