using Ainur.Protocol.Consensus;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>
/// Hand-scheduled attacks that random schedules rarely hit: each one forks the chain if the rule it names is broken.
/// Validators 0-2 are honest cores; validator 3 is Byzantine and its messages are signed by the test.
/// </summary>
public sealed class TendermintAttackTests
{
    private static readonly TestValidators Net = TestValidators.Of(4);
    private static readonly Block V = TestValidators.SomeBlock(1, time: 1);
    private static readonly Block W = TestValidators.Block(1, 1, 2, TestValidators.GenesisHash, [TestValidators.Transfers[1]], time: 2);

    [Fact]
    public void SplitPrecommits_LockedValidatorRefusesTheNextRoundsBlock_NoFork()
    {
        // Lines 36-41 lock v at 0 and 1; 3 sends its precommit for v to 1 only, so 1 decides v (line 49) and 0 moves to
        // round 1, where 2, which never saw 2f+1 prevotes for v, proposes w. Only 0's lock (lines 22-26) stops w.
        var cores = new[] { new CoreHarness(Net, 0), new CoreHarness(Net, 1), new CoreHarness(Net, 2) };
        foreach (var core in cores)
        {
            core.Step(Start.Now);
        }

        var byProposer = cores[1].Step(new ProposalValue(1, 0, V)).Broadcast; // proposal of v and 1's prevote
        var proposal = byProposer.OfType<ProposalMessage>().Single().Proposal;
        var prevote1 = cores[1].SentVote();
        cores[0].Receive(proposal);
        var prevote0 = cores[0].SentVote();
        cores[2].Step(new TimeoutFired(1, 0, SignStep.Propose)); // 2 never gets the proposal
        Assert.Null(cores[2].SentVote().BlockHash);

        cores[0].Receive(prevote1);
        cores[0].Receive(Net.Prevote(3, 1, 0, V.Hash));
        var precommit0 = cores[0].SentVote();
        cores[1].Receive(prevote0);
        cores[1].Receive(Net.Prevote(3, 1, 0, V.Hash));
        var precommit1 = cores[1].SentVote();
        Assert.Equal((V.Hash, V.Hash), (precommit0.BlockHash, precommit1.BlockHash));

        cores[1].Receive(precommit0);
        Assert.Equal(V, cores[1].Receive(Net.Precommit(3, 1, 0, V.Hash)).Decided?.Block);

        cores[0].Receive(precommit1);
        cores[0].Receive(Net.Precommit(3, 1, 0, null));
        cores[0].Step(new TimeoutFired(1, 0, SignStep.Precommit));
        cores[2].Feed(new VoteReceived(prevote0), new VoteReceived(prevote1), new TimeoutFired(1, 0, SignStep.Prevote));
        cores[2].Feed(new VoteReceived(precommit0), new VoteReceived(Net.Precommit(3, 1, 0, null)), new TimeoutFired(1, 0, SignStep.Precommit));
        Assert.Equal((1, 1), (cores[0].State.Round, cores[2].State.Round));
        Assert.Equal(new ProposalRequest(1, 1), cores[2].Last.NeedProposal);

        // Round 1: 2 proposes w; 3 backs w everywhere; every honest message reaches every honest validator.
        var round1 = cores[2].Step(new ProposalValue(1, 1, W)).Broadcast.ToList();
        round1.Add(new VoteMessage(Net.Prevote(3, 1, 1, W.Hash)));
        round1.Add(new VoteMessage(Net.Precommit(3, 1, 1, W.Hash)));
        var decided = Exchange([cores[0], cores[2]], round1);

        Assert.DoesNotContain(decided, d => d.Block.Hash == W.Hash);
        Assert.Equal(0, cores[0].State.LockedRound);
    }

    /// <summary>Delivers messages among <paramref name="cores"/> until none are left; returns what they decided.</summary>
    private static List<Decision> Exchange(CoreHarness[] cores, IEnumerable<ConsensusMessage> initial)
    {
        var pending = new Queue<ConsensusMessage>(initial);
        var decided = new List<Decision>();
        while (pending.TryDequeue(out var message))
        {
            foreach (var core in cores.Where(c => c.Self != message.Signer))
            {
                var result = core.Step(message.ToInput());
                if (result.Decided is { } decision)
                {
                    decided.Add(decision);
                }

                foreach (var sent in result.Broadcast)
                {
                    pending.Enqueue(sent);
                }
            }
        }

        return decided;
    }
}
