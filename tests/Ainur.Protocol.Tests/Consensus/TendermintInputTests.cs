using System.Collections.Immutable;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>
/// What the paper leaves to the implementation: message verification, equivocation evidence, bounded buffers,
/// catch-up, rebroadcast and the host's answers. Four validators; proposer(1, r) = (1 + r) mod 4.
/// </summary>
public sealed class TendermintInputTests
{
    private static readonly TestValidators Net = TestValidators.Of(4);
    private static readonly Block V = TestValidators.SomeBlock(1, time: 1);
    private static readonly Block W = TestValidators.SomeBlock(1, time: 2);

    [Fact]
    public void Vote_WhileNotStarted_StartsTheValidator()
    {
        // Followers need no Start: a valid message of their height starts round 0 (line 10).
        var core = new CoreHarness(Net, self: 0);

        core.Receive(Net.Prevote(1, 1, 0, null));

        Assert.True(core.State.Started);
        Assert.Single(core.TimersFor(SignStep.Propose));
    }

    [Fact]
    public void Vote_WithBadSignature_IsIgnoredAndCounted()
    {
        var core = new CoreHarness(Net, self: 0);
        var good = Net.Prevote(1, 1, 0, null);
        var flipped = good.Signature.ToArray();
        flipped[5] ^= 1;

        core.Receive(good with { Signature = flipped });
        core.Receive(good with { Validator = 2 }); // signed by 1, claims 2

        Assert.Equal(2, core.State.InvalidMessages);
        Assert.False(core.State.Started);
        Assert.Empty(core.State.Rounds);
    }

    [Fact]
    public void Messages_WithBadIndexesOrNotFromTheProposer_AreInvalid()
    {
        var core = new CoreHarness(Net, self: 0);

        core.Receive(Net.Prevote(1, 1, 0, null) with { Validator = 7 });
        core.Receive(Net.Prevote(1, 1, 0, null) with { Round = -1 });
        core.Receive(Net.Proposal(V, round: 0, signer: 2)); // proposer(1, 0) is 1
        core.Receive(Net.Proposal(V, round: 1, validRound: 1)); // validRound must be below the round

        Assert.Equal(4, core.State.InvalidMessages);
        Assert.False(core.State.Started);
    }

    [Fact]
    public void DoubleVote_ForNil_IsEvidenceAndNotCounted()
    {
        // A second vote of a validator never counts for nil: nil has 2 counted prevotes here, not 3 (line 44).
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Step(new TimeoutFired(1, 0, SignStep.Propose)); // own prevote nil
        core.Receive(Net.Prevote(1, 1, 0, V.Hash));

        core.Receive(Net.Prevote(1, 1, 0, null));
        core.Receive(Net.Prevote(2, 1, 0, null));

        var evidence = Assert.Single(core.State.Evidence);
        Assert.Equal(1, evidence.Signer);
        Assert.Equal(V.Hash, ((VoteMessage)evidence.First).Vote.BlockHash);
        Assert.Empty(core.Last.Broadcast);
        core.Receive(Net.Prevote(1, 1, 0, null));
        Assert.Single(core.State.Evidence); // a repeat of known evidence is not recorded again

        core.Receive(Net.Prevote(3, 1, 0, null));
        Assert.Equal(VoteType.Precommit, core.SentVote().Type);
    }

    [Fact]
    public void DoubleVote_ForABlockOthersVotedFor_CountsOnceForThatBlock()
    {
        // Lines 36-40 count distinct validators per block: the equivocator's second vote, for v, completes 2f+1 for v.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Receive(Net.Proposal(V, round: 0)); // own prevote v
        core.Receive(Net.Prevote(1, 1, 0, W.Hash));
        core.Receive(Net.Prevote(2, 1, 0, V.Hash));
        Assert.Equal(SignStep.Prevote, core.State.Step);

        core.Receive(Net.Prevote(1, 1, 0, V.Hash));

        Assert.Equal((VoteType.Precommit, (Hash32?)V.Hash), (core.SentVote().Type, core.SentVote().BlockHash));
        Assert.Single(core.State.Evidence);
        Assert.Equal(1, core.State.Rounds[0].Count(VoteType.Prevote, W.Hash));
        Assert.Equal(3, core.State.Rounds[0].Count(VoteType.Prevote)); // three validators voted, not four votes
    }

    [Fact]
    public void DoubleVote_ForgedCopyOfKnownEvidence_IsStillVerified()
    {
        // Evidence seen before may be kept later without a second check only if it is the same bytes, signature included.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Receive(Net.Prevote(1, 1, 0, W.Hash));
        var second = Net.Prevote(1, 1, 0, V.Hash);
        core.Receive(second); // evidence; v is named by nobody yet, so not kept
        core.Receive(Net.Proposal(V, round: 0)); // own prevote names v
        var forged = second.Signature.ToArray();
        forged[9] ^= 1;

        core.Receive(second with { Signature = forged });
        Assert.Equal((1, 1L), (core.State.Rounds[0].Count(VoteType.Prevote, V.Hash), core.State.InvalidMessages));

        core.Receive(second);
        Assert.Equal(2, core.State.Rounds[0].Count(VoteType.Prevote, V.Hash));
    }

    [Fact]
    public void DoubleVote_ForABlockNobodyNames_IsNotKept()
    {
        // Bounds the log: an equivocator cannot fill it with votes for made-up blocks.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Receive(Net.Prevote(1, 1, 0, V.Hash));

        for (var i = 0; i < 20; i++)
        {
            core.Receive(Net.Prevote(1, 1, 0, Blake2b.Hash(HashDomain.BlockHeader, [(byte)i])));
        }

        Assert.Empty(core.State.Rounds[0].Conflicting);
        Assert.Equal(20, core.State.Evidence.Count);
    }

    [Fact]
    public void EquivocatingProposer_SecondProposalIsEvidenceAndKeptOnlyWhenVotesNameIt()
    {
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Receive(Net.Proposal(V, round: 0)); // prevotes v (line 22)

        core.Receive(Net.Proposal(W, round: 0));
        Assert.Single(core.State.Evidence);
        Assert.Single(core.State.Rounds[0].Proposals);

        core.Feed(
            new VoteReceived(Net.Precommit(1, 1, 0, W.Hash)), new VoteReceived(Net.Precommit(2, 1, 0, W.Hash)),
            new VoteReceived(Net.Precommit(3, 1, 0, W.Hash)));
        Assert.Null(core.Last.Decided);

        Assert.Equal(W, core.Receive(Net.Proposal(W, round: 0)).Decided?.Block); // now named by votes: kept, decided (line 49)
        Assert.Single(core.State.Evidence);
    }

    [Fact]
    public void VotesForUnknownBlocks_CountByHashButNeverLock()
    {
        // Line 36 needs the proposal; a prevote quorum for an unknown hash only makes the prevote timer run (line 34).
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        core.Receive(Net.Proposal(V, round: 0));
        var unknown = Blake2b.Hash(HashDomain.BlockHeader, "nothing"u8);

        core.Feed(new VoteReceived(Net.Prevote(1, 1, 0, unknown)), new VoteReceived(Net.Prevote(2, 1, 0, unknown)), new VoteReceived(Net.Prevote(3, 1, 0, unknown)));

        Assert.Equal(3, core.State.Rounds[0].Count(VoteType.Prevote, unknown));
        Assert.Equal(-1, core.State.LockedRound);
        Assert.Equal(SignStep.Prevote, core.State.Step);
    }

    [Fact]
    public void FarRoundMessages_AreNotStoredButStillCountForRoundSkip()
    {
        // Memory bound: beyond RoundWindow only a round number per validator is kept; line 55 still works.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        for (var round = 10; round < 200; round++)
        {
            core.Receive(Net.Prevote(1, 1, round, null));
        }

        Assert.Empty(core.State.Rounds);
        Assert.Equal(0, core.State.Round);

        core.Receive(Net.Precommit(2, 1, 150, null));
        Assert.Equal(150, core.State.Round); // the highest round two validators reached
    }

    [Fact]
    public void Validity_IsAskedOncePerBlock()
    {
        var core = new CoreHarness(Net, self: 0);
        core.UseValidity(_ => true);
        core.Step(Start.Now);

        core.Receive(Net.Proposal(V, round: 0));
        core.Feed(new VoteReceived(Net.Prevote(1, 1, 0, V.Hash)), new VoteReceived(Net.Prevote(2, 1, 0, V.Hash)));
        core.Feed(new VoteReceived(Net.Precommit(1, 1, 0, V.Hash)), new VoteReceived(Net.Precommit(2, 1, 0, V.Hash)));

        Assert.NotNull(core.Last.Decided);
        Assert.Equal(1, core.ValidityChecks);
    }

    [Fact]
    public void NextHeightMessages_AreBufferedThenReplayedAfterTheDecision()
    {
        var core = new CoreHarness(Net, self: 0);
        var next = TestValidators.SomeBlock(2, time: 3);
        core.Receive(Net.Proposal(next, round: 0)); // height 2: proposer(2, 0) = 2
        Assert.False(core.State.Started);
        Assert.Single(core.State.FutureMessages);

        Decide(core, V);
        Assert.Equal(2, core.State.Height);

        core.Step(Start.Now);
        Assert.Equal((2L, 0, (Hash32?)next.Hash), (core.SentVote().Height, core.SentVote().Round, core.SentVote().BlockHash));
    }

    [Fact]
    public void NextHeightBuffer_IsBoundedPerValidator()
    {
        var core = new CoreHarness(Net, self: 0);

        for (var round = 0; round < 3 * Tendermint.FutureMessagesPerValidator; round++)
        {
            core.Receive(Net.Prevote(1, 2, round, null));
        }

        Assert.Equal(Tendermint.FutureMessagesPerValidator, core.State.FutureMessages.Count);
    }

    [Fact]
    public void FPlusOneValidatorsAhead_WhileNotStarted_AsksCatchUpAtOnce()
    {
        var core = new CoreHarness(Net, self: 0);

        Assert.Null(core.Receive(Net.Prevote(1, 3, 0, null)).CatchUpFrom); // one validator may be lying

        Assert.Equal(1, core.Receive(Net.Prevote(2, 2, 0, null)).CatchUpFrom);
        Assert.Null(core.Receive(Net.Prevote(3, 2, 0, null)).CatchUpFrom); // asked once; the tick repeats it
        Assert.Equal(1, core.Step(new RebroadcastDue(1)).CatchUpFrom);
    }

    [Fact]
    public void FPlusOneValidatorsOneHeightAhead_WhileStarted_AsksCatchUpOnlyOnTick()
    {
        // Others deciding a few messages earlier is normal: give the missing precommits a tick to arrive.
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);

        Assert.Null(core.Feed(new VoteReceived(Net.Prevote(1, 2, 0, null)), new VoteReceived(Net.Prevote(2, 2, 0, null))).FirstOrDefault());
        Assert.Null(core.Last.CatchUpFrom);

        Assert.Equal(1, core.Step(new RebroadcastDue(1)).CatchUpFrom);
    }

    [Fact]
    public void CommitReceived_WithValidCertificate_DecidesWithoutVoting()
    {
        var core = new CoreHarness(Net, self: 0);
        var certificate = Certificate(V, 0, [0, 2, 3]);

        var result = core.Step(new CommitReceived(V, certificate));

        Assert.Equal(new Decision(V, certificate), result.Decided);
        Assert.Empty(result.Broadcast);
        Assert.Equal(2, core.State.Height);
    }

    [Fact]
    public void CommitReceived_WithBadCertificateOrBlock_IsIgnoredAndCounted()
    {
        var core = new CoreHarness(Net, self: 0);
        var tooFew = Certificate(V, 0, [1, 2]);
        var forged = Certificate(V, 0, [1, 2, 3]) is var c ? c with { Signatures = c.Signatures.SetItem(0, c.Signatures[0] with { Validator = 0 }) } : null;

        core.Step(new CommitReceived(V, tooFew));
        core.Step(new CommitReceived(V, forged!));
        core.Step(new CommitReceived(W, Certificate(V, 0, [1, 2, 3])));
        core.UseValidity(_ => false);
        core.Step(new CommitReceived(V, Certificate(V, 0, [1, 2, 3])));

        Assert.Equal(4, core.State.InvalidMessages);
        Assert.Equal(1, core.State.Height);
        Assert.Null(core.Step(new CommitReceived(TestValidators.SomeBlock(2), Certificate(TestValidators.SomeBlock(2), 0, [1, 2, 3]))).Decided);
    }

    [Fact]
    public void Rebroadcast_ResendsHeldMessagesOfCurrentAndPreviousRound_AndReschedules()
    {
        var core = new CoreHarness(Net, self: 0);
        core.Step(Start.Now);
        Assert.Single(core.Last.Timers, t => t.Input is RebroadcastDue);
        core.Receive(Net.Proposal(V, round: 0));
        core.Receive(Net.Prevote(2, 1, 0, V.Hash));

        var result = core.Step(new RebroadcastDue(1));

        Assert.Equal(3, result.Broadcast.Length); // proposal, own prevote, validator 2's prevote
        Assert.Contains(result.Broadcast, m => m is ProposalMessage);
        Assert.Equal(TimeSpan.FromMilliseconds(200), Assert.Single(result.Timers, t => t.Input is RebroadcastDue).After);
        Assert.Empty(core.Step(new RebroadcastDue(7)).Broadcast);
    }

    [Fact]
    public void MessageFromPreviousHeight_MakesNextTickResendTheLastCommit()
    {
        // A validator still on the decided height gets the precommits it needs for line 49.
        var core = new CoreHarness(Net, self: 0);
        var decision = Decide(core, V);

        var heard = core.Receive(Net.Prevote(3, 1, 0, null));
        Assert.Single(heard.Timers, t => t.Input is RebroadcastDue);

        var votes = core.Step(new RebroadcastDue(2)).Broadcast.Cast<VoteMessage>().Select(m => m.Vote).ToList();
        Assert.Equal(decision.Certificate.Signatures.Select(s => s.Validator), votes.Select(v => v.Validator));
        Assert.All(votes, v => Assert.True(v.VerifySignature(Net.Set, TestValidators.ChainId)));
        Assert.Empty(core.Step(new RebroadcastDue(2)).Broadcast); // only once per sighting
    }

    private static Decision Decide(CoreHarness core, Block block)
    {
        var certificate = Certificate(block, 0, [1, 2, 3]);
        var decided = core.Step(new CommitReceived(block, certificate)).Decided;
        Assert.NotNull(decided);
        return decided;
    }

    private static CommitCertificate Certificate(Block block, int round, int[] signers) =>
        new(block.Height, round, block.Hash, [.. signers.Select(i => new CommitSignature(i, Net.Precommit(i, block.Height, round, block.Hash).Signature))]);
}
