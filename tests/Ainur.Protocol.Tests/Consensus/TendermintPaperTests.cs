using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>
/// Algorithm 1 of "The latest gossip on BFT consensus", a few lines per test (init, step, check), as raft's
/// paper tests do. Four validators (f = 1, 2f+1 = 3); at height 1 the proposer of round r is validator (1 + r) mod 4.
/// </summary>
public sealed class TendermintPaperTests
{
    private static readonly TestValidators Net = TestValidators.Of(4);
    private static readonly Block V = TestValidators.SomeBlock(1, time: 1);
    private static readonly Block W = TestValidators.SomeBlock(1, time: 2);

    [Fact]
    public void Initial_NewHeight_IsRoundZeroProposeStepUnlockedAndNotStarted()
    {
        // Lines 1-9.
        var state = ConsensusState.Initial(Net.Config(0), 5, restored: null);

        Assert.Equal((5L, 0, SignStep.Propose, false), (state.Height, state.Round, state.Step, state.Started));
        Assert.Equal((-1, -1), (state.LockedRound, state.ValidRound));
        Assert.Null(state.LockedBlockHash);
        Assert.Null(state.ValidValue);
    }

    [Fact]
    public void Start_AsProposerWithoutValidValue_AsksHostForValueAndSetsProposeTimer()
    {
        // Lines 10-18: proposer(1, 0) = 1 has no validValue, so it calls getValue().
        var core = new CoreHarness(Net, self: 1);

        var result = core.Step(Start.Now);

        Assert.Equal(new ProposalRequest(1, 0), result.NeedProposal);
        Assert.Empty(result.Broadcast);
        Assert.True(core.State.Started);
        Assert.Equal(TimeSpan.FromMilliseconds(100), Assert.Single(core.TimersFor(SignStep.Propose)).After);
    }

    [Fact]
    public void ProposalValue_InProposeStep_BroadcastsProposalAndItsOwnPrevote()
    {
        // Line 19, then lines 22-24 on its own proposal.
        var core = new CoreHarness(Net, self: 1);
        core.Step(Start.Now);

        var result = core.Step(new ProposalValue(1, 0, V));

        var proposal = Assert.Single(result.Broadcast.OfType<ProposalMessage>()).Proposal;
        Assert.Equal((1L, 0, -1, V.Hash, 1), (proposal.Height, proposal.Round, proposal.ValidRound, proposal.Block.Hash, proposal.Proposer));
        Assert.True(proposal.VerifySignature(Net.Set, TestValidators.ChainId));
        Assert.Equal(V.Hash, core.SentVote().BlockHash);
        Assert.Equal(SignStep.Prevote, core.State.Step);
        Assert.Equal(new SigningGuard(1, 0, SignStep.Prevote, V.Hash, -1, null, [core.SentVote()]), result.MustPersist);
    }

    [Fact]
    public void ProposalValue_AfterTheProposeStep_IsIgnored()
    {
        // Line 19 runs only while the round's propose step lasts; a late getValue() answer is dropped.
        var core = new CoreHarness(Net, self: 1);
        core.Step(Start.Now);
        core.Step(new TimeoutFired(1, 0, SignStep.Propose));

        Assert.Empty(core.Step(new ProposalValue(1, 0, V)).Broadcast);
        Assert.Empty(core.Step(new ProposalValue(1, 1, V)).Broadcast);
    }

    [Fact]
    public void StartRound_AsNonProposer_ProposeTimeoutGrowsWithTheRound()
    {
        // Line 21: timeoutPropose(round) = 100 ms + round * 50 ms here.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        Assert.Equal(TimeSpan.FromMilliseconds(100), Assert.Single(core.TimersFor(SignStep.Propose)).After);
        Assert.Null(core.Last.NeedProposal);

        core.Receive(Net.Prevote(2, 1, 2, null));
        core.Receive(Net.Prevote(3, 1, 2, null)); // line 55 moves it to round 2

        Assert.Equal(2, core.State.Round);
        Assert.Equal(TimeSpan.FromMilliseconds(200), Assert.Single(core.TimersFor(SignStep.Propose)).After);
    }

    [Fact]
    public void Proposal_ValidWhileUnlocked_PrevotesIt()
    {
        // Lines 22-24, 27.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);

        core.Receive(Net.Proposal(V, round: 0));

        Assert.Equal((VoteType.Prevote, 0, (Hash32?)V.Hash), (core.SentVote().Type, core.SentVote().Round, (Hash32?)core.SentVote().BlockHash));
        Assert.Equal(SignStep.Prevote, core.State.Step);
    }

    [Fact]
    public void Proposal_Invalid_PrevotesNil()
    {
        // Lines 22-23, 25-26: valid(v) is false.
        var core = new CoreHarness(Net, self: 0);
        core.UseValidity(_ => false);
        core.Step(Start.Now);

        core.Receive(Net.Proposal(V, round: 0));

        Assert.Null(core.SentVote().BlockHash);
        Assert.Equal(SignStep.Prevote, core.State.Step);
    }

    [Fact]
    public void Proposal_WhileLockedOnAnotherValue_PrevotesNil()
    {
        // Lines 22-26: lockedRound != -1 and lockedValue != v.
        var core = LockedOnVInRoundZero();
        core.Receive(Net.Precommit(1, 1, 0, null));
        core.Step(new TimeoutFired(1, 0, SignStep.Precommit)); // line 65: round 1, proposer 2

        core.Receive(Net.Proposal(W, round: 1));

        Assert.Equal((1, (Hash32?)null), (core.SentVote().Round, (Hash32?)core.SentVote().BlockHash));
        Assert.Equal((0, (Hash32?)V.Hash), (core.State.LockedRound, (Hash32?)core.State.LockedBlockHash));
    }

    [Fact]
    public void Reproposal_WithPrevoteQuorumAtValidRoundNotBelowLock_PrevotesNewValue()
    {
        // Lines 28-30: locked on v in round 0; w re-proposed in round 2 with vr = 1 and 2f+1 prevotes for w in round 1.
        var core = LockedOnVInRoundZero();
        core.Feed(new VoteReceived(Net.Prevote(1, 1, 1, W.Hash)), new VoteReceived(Net.Prevote(2, 1, 1, W.Hash)), new VoteReceived(Net.Prevote(3, 1, 1, W.Hash)));
        Assert.Equal(1, core.State.Round); // line 55 on the round-1 prevotes; no proposal of round 1

        core.Receive(Net.Proposal(W, round: 2, validRound: 1));
        core.Receive(Net.Prevote(1, 1, 2, null)); // f+1 messages of round 2: proposal (3) and this one

        Assert.Equal((2, (Hash32?)W.Hash), (core.SentVote().Round, (Hash32?)core.SentVote().BlockHash));
    }

    [Fact]
    public void Reproposal_WithValidRoundBelowRestoredLock_PrevotesNil()
    {
        // Lines 28-29, 31-32: lockedRound 1 > vr 0 and lockedValue (known by hash only, after a restart) != w.
        var core = new CoreHarness(Net, self: 0, restored: new SigningGuard(1, 1, SignStep.Precommit, V.Hash, 1, V.Hash));
        core.Step(Start.Now);
        Assert.Equal(1, core.State.Round);
        core.Feed(new VoteReceived(Net.Prevote(1, 1, 0, W.Hash)), new VoteReceived(Net.Prevote(2, 1, 0, W.Hash)), new VoteReceived(Net.Prevote(3, 1, 0, W.Hash)));

        core.Receive(Net.Proposal(W, round: 2, validRound: 0));
        core.Receive(Net.Prevote(1, 1, 2, null));

        Assert.Equal(2, core.State.Round);
        Assert.Null(core.SentVote().BlockHash);
    }

    [Fact]
    public void Reproposal_WithoutPrevoteQuorumAtValidRound_WaitsForProposeTimeout()
    {
        // Line 28 needs 2f+1 prevotes for v in round vr; two are not enough, so only line 57 moves on.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Feed(new VoteReceived(Net.Prevote(1, 1, 0, V.Hash)), new VoteReceived(Net.Prevote(3, 1, 0, V.Hash)));
        core.Feed(new VoteReceived(Net.Precommit(1, 1, 1, null)), new VoteReceived(Net.Precommit(3, 1, 1, null)));
        Assert.Equal(1, core.State.Round);

        Assert.Empty(core.Receive(Net.Proposal(V, round: 1, validRound: 0)).Broadcast);
        Assert.Equal(SignStep.Propose, core.State.Step);

        core.Step(new TimeoutFired(1, 1, SignStep.Propose));
        Assert.Null(core.SentVote().BlockHash);
    }

    [Fact]
    public void PrevoteQuorumOfMixedVotes_SchedulesPrevoteTimeoutOnce()
    {
        // Lines 34-35: 2f+1 prevotes of any kind, first time only; no value has a quorum, so no precommit.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Step(new TimeoutFired(1, 0, SignStep.Propose));
        core.Receive(Net.Prevote(1, 1, 0, V.Hash));
        Assert.Empty(core.TimersFor(SignStep.Prevote));

        core.Receive(Net.Prevote(2, 1, 0, W.Hash));
        Assert.Equal(TimeSpan.FromMilliseconds(100), Assert.Single(core.TimersFor(SignStep.Prevote)).After);
        Assert.Empty(core.Last.Broadcast);

        core.Receive(Net.Prevote(3, 1, 0, W.Hash));
        Assert.Empty(core.TimersFor(SignStep.Prevote));
    }

    [Fact]
    public void ProposalAndPrevoteQuorum_LocksPrecommitsAndRemembersValidValue()
    {
        // Lines 36-43, in the prevote step.
        var core = LockedOnVInRoundZero();

        Assert.Equal((VoteType.Precommit, (Hash32?)V.Hash), (core.SentVote().Type, (Hash32?)core.SentVote().BlockHash));
        Assert.Equal(SignStep.Precommit, core.State.Step);
        Assert.Equal((0, V, 0, V), (core.State.LockedRound, core.State.LockedValue, core.State.ValidRound, core.State.ValidValue));
        Assert.Equal((1L, 0, SignStep.Precommit, (Hash32?)V.Hash, 0, (Hash32?)V.Hash), Point(core.Last.MustPersist!));
    }

    [Fact]
    public void PrevoteQuorumAfterPrecommittingNil_OnlyUpdatesValidValue()
    {
        // Lines 36-37, 42-43: step is already precommit, so no lock and no second precommit.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Step(new TimeoutFired(1, 0, SignStep.Propose));
        core.Feed(new VoteReceived(Net.Prevote(1, 1, 0, V.Hash)), new VoteReceived(Net.Prevote(2, 1, 0, V.Hash)));
        core.Step(new TimeoutFired(1, 0, SignStep.Prevote)); // line 61: precommit nil
        core.Receive(Net.Prevote(3, 1, 0, V.Hash)); // 2f+1 for v, but its proposal is unknown yet

        var result = core.Receive(Net.Proposal(V, round: 0));

        Assert.Empty(result.Broadcast);
        Assert.Equal((-1, 0, V), (core.State.LockedRound, core.State.ValidRound, core.State.ValidValue));
    }

    [Fact]
    public void NilPrevoteQuorum_PrecommitsNil()
    {
        // Lines 44-46.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Step(new TimeoutFired(1, 0, SignStep.Propose));
        core.Receive(Net.Prevote(1, 1, 0, null));

        core.Receive(Net.Prevote(2, 1, 0, null));

        Assert.Equal((VoteType.Precommit, (Hash32?)null), (core.SentVote().Type, (Hash32?)core.SentVote().BlockHash));
        Assert.Equal(SignStep.Precommit, core.State.Step);
    }

    [Fact]
    public void PrecommitQuorumOfMixedVotes_SchedulesPrecommitTimeoutOnce()
    {
        // Lines 47-48, in any step.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Feed(new VoteReceived(Net.Precommit(1, 1, 0, null)), new VoteReceived(Net.Precommit(2, 1, 0, V.Hash)));

        core.Receive(Net.Precommit(3, 1, 0, W.Hash));

        Assert.Equal(SignStep.Propose, core.State.Step);
        Assert.Equal(TimeSpan.FromMilliseconds(100), Assert.Single(core.TimersFor(SignStep.Precommit)).After);
        core.Step(new TimeoutFired(1, 0, SignStep.Propose));
        Assert.Empty(core.TimersFor(SignStep.Precommit));
    }

    [Fact]
    public void PrecommitQuorumForProposal_DecidesWithSortedCertificateAndMovesToNextHeight()
    {
        // Lines 49-54.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Receive(Net.Proposal(V, round: 0));
        core.Feed(new VoteReceived(Net.Precommit(3, 1, 0, V.Hash)), new VoteReceived(Net.Precommit(1, 1, 0, V.Hash)));

        var decided = core.Receive(Net.Precommit(2, 1, 0, V.Hash)).Decided;

        Assert.NotNull(decided);
        Assert.Equal(V, decided.Block);
        Assert.Equal([1, 2, 3], decided.Certificate.Signatures.Select(s => s.Validator));
        Assert.Null(decided.Certificate.Verify(Net.Set, TestValidators.ChainId));
        Assert.Equal((2L, 0, false, -1, -1), (core.State.Height, core.State.Round, core.State.Started, core.State.LockedRound, core.State.ValidRound));
        Assert.Equal(decided, core.State.LastDecision);
    }

    [Fact]
    public void PrecommitQuorumForInvalidBlock_DoesNotDecide()
    {
        // Line 50: decide only if valid(v); 2f+1 precommits for an invalid block mean more than f are faulty.
        var core = new CoreHarness(Net, self: 0);
        core.UseValidity(block => block.Hash != V.Hash);
        core.Step(Start.Now);
        core.Receive(Net.Proposal(V, round: 0));

        var inputs = new[] { 1, 2, 3 }.Select(i => new VoteReceived(Net.Precommit(i, 1, 0, V.Hash)));

        Assert.All(inputs, input => Assert.Null(core.Step(input).Decided));
        Assert.Equal(1, core.State.Height);
    }

    [Fact]
    public void PrecommitQuorumForUnknownBlock_WaitsForTheBlockAndAsksCatchUpOnTick()
    {
        // Line 49 needs the proposal; votes count by hash meanwhile.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Feed(new VoteReceived(Net.Precommit(1, 1, 0, V.Hash)), new VoteReceived(Net.Precommit(2, 1, 0, V.Hash)), new VoteReceived(Net.Precommit(3, 1, 0, V.Hash)));
        Assert.Null(core.Last.Decided);
        Assert.Null(core.Last.CatchUpFrom);

        Assert.Equal(1, core.Step(new RebroadcastDue(1)).CatchUpFrom);

        Assert.Equal(V, core.Receive(Net.Proposal(V, round: 0)).Decided?.Block);
    }

    [Fact]
    public void MessagesOfHigherRound_FromFPlusOneValidators_SkipToThatRound()
    {
        // Lines 55-56: one validator is not enough (it may be faulty), two are.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);

        core.Feed(new VoteReceived(Net.Prevote(1, 1, 3, null)), new VoteReceived(Net.Precommit(1, 1, 3, null)), new VoteReceived(Net.Prevote(1, 1, 4, null)));
        Assert.Equal(0, core.State.Round);

        core.Receive(Net.Precommit(2, 1, 3, V.Hash));
        Assert.Equal((3, SignStep.Propose), (core.State.Round, core.State.Step));
        Assert.Equal(new ProposalRequest(1, 3), core.Last.NeedProposal); // proposer(1, 3) = 0
    }

    [Fact]
    public void TimeoutPropose_InProposeStep_PrevotesNilAndStaleOnesDoNothing()
    {
        // Lines 57-60.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);

        Assert.Empty(core.Step(new TimeoutFired(1, 1, SignStep.Propose)).Broadcast);
        Assert.Empty(core.Step(new TimeoutFired(0, 0, SignStep.Propose)).Broadcast);
        core.Step(new TimeoutFired(1, 0, SignStep.Propose));

        Assert.Equal((VoteType.Prevote, (Hash32?)null), (core.SentVote().Type, (Hash32?)core.SentVote().BlockHash));
        Assert.Equal(SignStep.Prevote, core.State.Step);
        Assert.Empty(core.Step(new TimeoutFired(1, 0, SignStep.Propose)).Broadcast);
    }

    [Fact]
    public void TimeoutPrevote_InPrevoteStep_PrecommitsNil()
    {
        // Lines 61-64.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        Assert.Empty(core.Step(new TimeoutFired(1, 0, SignStep.Prevote)).Broadcast); // still in the propose step
        core.Step(new TimeoutFired(1, 0, SignStep.Propose));

        core.Step(new TimeoutFired(1, 0, SignStep.Prevote));

        Assert.Equal((VoteType.Precommit, (Hash32?)null), (core.SentVote().Type, (Hash32?)core.SentVote().BlockHash));
    }

    [Fact]
    public void TimeoutPrecommit_StartsNextRoundWhereProposerReproposesValidValue()
    {
        // Lines 65-67, then 11-16 and 19: validator 2 (proposer of round 1) saw v win 2f+1 prevotes in round 0.
        var core = new CoreHarness(Net, self: 2);
        core.Step(Start.Now);
        core.Receive(Net.Proposal(V, round: 0));
        core.Feed(new VoteReceived(Net.Prevote(0, 1, 0, V.Hash)), new VoteReceived(Net.Prevote(1, 1, 0, V.Hash)));
        core.Feed(new VoteReceived(Net.Precommit(0, 1, 0, null)), new VoteReceived(Net.Precommit(1, 1, 0, null)));

        var result = core.Step(new TimeoutFired(1, 0, SignStep.Precommit));

        var proposal = Assert.Single(result.Broadcast.OfType<ProposalMessage>()).Proposal;
        Assert.Equal((1, 0, V.Hash), (proposal.Round, proposal.ValidRound, proposal.Block.Hash));
        Assert.Null(result.NeedProposal);
        Assert.Equal((1, (Hash32?)V.Hash), (core.SentVote().Round, (Hash32?)core.SentVote().BlockHash)); // line 30: locked on v
    }

    [Fact]
    public void TimeoutPrecommit_OfAnotherRound_DoesNothing()
    {
        // Line 66 checks height and round.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);

        core.Step(new TimeoutFired(1, 3, SignStep.Precommit));

        Assert.Equal(0, core.State.Round);
    }

    private static (long, int, SignStep, Hash32?, int, Hash32?) Point(SigningGuard guard) =>
        (guard.Height, guard.Round, guard.Step, guard.BlockHash, guard.LockedRound, guard.LockedBlockHash);

    private static CoreHarness LockedOnVInRoundZero()
    {
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Receive(Net.Proposal(V, round: 0));
        core.Receive(Net.Prevote(1, 1, 0, V.Hash));
        core.Receive(Net.Prevote(2, 1, 0, V.Hash));
        return core;
    }
}
