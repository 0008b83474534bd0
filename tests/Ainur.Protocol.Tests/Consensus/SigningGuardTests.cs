using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>The double-sign guard across restarts: persisted before sending, never signs a conflicting message, keeps the lock.</summary>
public sealed class SigningGuardTests
{
    private static readonly TestValidators Net = TestValidators.Of(4);
    private static readonly Block V = TestValidators.SomeBlock(1, time: 1);
    private static readonly Block W = TestValidators.SomeBlock(1, time: 2);

    [Fact]
    public void EverySignedMessage_IsCoveredByTheGuardToPersist()
    {
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);

        var prevote = core.Receive(Net.Proposal(V, round: 0));
        Assert.Equal(new SigningGuard(1, 0, SignStep.Prevote, V.Hash, -1, null, [Net.Prevote(0, 1, 0, V.Hash)]), prevote.MustPersist);

        core.Receive(Net.Prevote(1, 1, 0, V.Hash));
        var precommit = core.Receive(Net.Prevote(2, 1, 0, V.Hash));
        Assert.Equal(
            new SigningGuard(1, 0, SignStep.Precommit, V.Hash, 0, V.Hash, [Net.Prevote(0, 1, 0, V.Hash), Net.Precommit(0, 1, 0, V.Hash)]),
            precommit.MustPersist);

        Assert.Null(core.Receive(Net.Prevote(3, 1, 0, V.Hash)).MustPersist); // nothing signed
    }

    [Fact]
    public void Restart_AfterPrevote_RefusesAConflictingPrevote()
    {
        var core = new CoreHarness(Net, self: 0, restored: new SigningGuard(1, 0, SignStep.Prevote, V.Hash, -1, null));
        core.Step(Start.Now);

        var result = core.Step(new TimeoutFired(1, 0, SignStep.Propose)); // would prevote nil (line 59)

        Assert.Empty(result.Broadcast);
        Assert.Null(result.MustPersist);
        Assert.Equal(SignStep.Prevote, core.State.Step); // moves on as if the prevote were lost
    }

    [Fact]
    public void Restart_AfterPrevote_ResendsTheSamePrevoteByteForByte()
    {
        var core = new CoreHarness(Net, self: 0, restored: new SigningGuard(1, 0, SignStep.Prevote, V.Hash, -1, null, [Net.Prevote(0, 1, 0, V.Hash)]));
        core.Step(Start.Now);

        var result = core.Receive(Net.Proposal(V, round: 0));

        var vote = core.SentVote();
        Assert.Equal(Net.Prevote(0, 1, 0, V.Hash).Signature, vote.Signature);
        Assert.Null(result.MustPersist);
    }

    [Fact]
    public void Restart_InTheMiddleOfAHeight_ResendsTheVotesTheGuardKept()
    {
        // They may never have left before the crash, and others may need them to leave their round; same bytes, so safe.
        Vote[] kept = [Net.Precommit(0, 1, 0, V.Hash), Net.Prevote(0, 1, 1, null), Net.Precommit(0, 1, 2, V.Hash), Net.Prevote(0, 1, 3, V.Hash)];
        var core = new CoreHarness(Net, self: 0, restored: new SigningGuard(1, 3, SignStep.Prevote, V.Hash, 0, V.Hash, [.. kept]));

        core.Step(Start.Now);

        Assert.Equal(kept, core.Last.Broadcast.Cast<VoteMessage>().Select(m => m.Vote));
        Assert.Null(core.Last.MustPersist);
        Assert.Equal(V.Hash, core.State.Rounds[3].Prevotes[0]!.BlockHash);
    }

    [Fact]
    public void Guard_KeepsOwnVotesOfThisAndThePreviousRoundAndTheLockPrecommit()
    {
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Receive(Net.Proposal(V, round: 0));
        core.Feed(new VoteReceived(Net.Prevote(1, 1, 0, V.Hash)), new VoteReceived(Net.Prevote(2, 1, 0, V.Hash))); // lock v in round 0
        core.Feed(new VoteReceived(Net.Precommit(1, 1, 0, null)), new VoteReceived(Net.Precommit(2, 1, 0, null)), new TimeoutFired(1, 0, SignStep.Precommit));
        core.Feed(new TimeoutFired(1, 1, SignStep.Propose), new VoteReceived(Net.Precommit(1, 1, 1, null)), new VoteReceived(Net.Precommit(2, 1, 1, null)));
        core.Feed(new TimeoutFired(1, 1, SignStep.Precommit), new TimeoutFired(1, 2, SignStep.Propose));

        Assert.Equal(
            [Net.Precommit(0, 1, 0, V.Hash), Net.Prevote(0, 1, 1, null), Net.Prevote(0, 1, 2, null)],
            core.State.Guard!.RecentVotes);
    }

    [Fact]
    public void Restart_AtALaterPoint_SignsNothingEarlierInTheHeight()
    {
        var core = new CoreHarness(Net, self: 1, restored: new SigningGuard(1, 0, SignStep.Precommit, null, -1, null));
        core.Step(Start.Now); // proposer(1, 0) = 1 asks for a value

        var result = core.Step(new ProposalValue(1, 0, V));

        Assert.Empty(result.Broadcast);
        Assert.Null(result.MustPersist);
    }

    [Fact]
    public void Restart_WithGuardOfThisHeight_ResumesAtItsRoundWithItsLock()
    {
        var state = ConsensusState.Initial(Net.Config(0), 1, new SigningGuard(1, 3, SignStep.Precommit, V.Hash, 3, V.Hash));

        Assert.Equal((3, 3, (Hash32?)V.Hash), (state.Round, state.LockedRound, state.LockedBlockHash));
        Assert.Null(state.LockedValue);
    }

    [Fact]
    public void Restart_WithGuardOfAnEarlierHeight_IsUnlocked()
    {
        var state = ConsensusState.Initial(Net.Config(0), 2, new SigningGuard(1, 3, SignStep.Precommit, V.Hash, 3, V.Hash));

        Assert.Equal((0, -1, (Hash32?)null), (state.Round, state.LockedRound, state.LockedBlockHash));
    }

    [Fact]
    public void RestoredLockKnownByHash_PrevotesOnlyAProposalOfThatHash()
    {
        // Lines 22-26 with lockedValue known by hash: w gets nil, v (proposed afresh, vr = -1) gets a prevote.
        var core = new CoreHarness(Net, self: 0, restored: new SigningGuard(1, 0, SignStep.Precommit, V.Hash, 0, V.Hash));
        core.Step(Start.Now);
        core.Feed(new VoteReceived(Net.Precommit(1, 1, 1, null)), new VoteReceived(Net.Precommit(3, 1, 1, null)));
        Assert.Equal(1, core.State.Round);

        core.Receive(Net.Proposal(W, round: 1));
        Assert.Null(core.SentVote().BlockHash);

        core.Feed(new VoteReceived(Net.Precommit(1, 1, 2, null)), new VoteReceived(Net.Precommit(2, 1, 2, null)));
        core.Receive(Net.Proposal(V, round: 2));
        Assert.Equal((2, (Hash32?)V.Hash), (core.SentVote().Round, core.SentVote().BlockHash));
    }

    [Fact]
    public void Restart_OwnOldVoteRelayedBack_IsCountedNotContradicted()
    {
        // Another validator relays our pre-crash prevote; the restarted core counts it and never signs a different one.
        var core = new CoreHarness(Net, self: 0, restored: new SigningGuard(1, 0, SignStep.Prevote, V.Hash, -1, null));
        core.Receive(Net.Prevote(0, 1, 0, V.Hash));

        core.Step(new TimeoutFired(1, 0, SignStep.Propose));

        Assert.Empty(core.Last.Broadcast);
        Assert.Equal(V.Hash, core.State.Rounds[0].Prevotes[0]!.BlockHash);
    }
}
