using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Tests.Ledger;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.Proofs;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Ainur.Grains.Tests.Serialization;

/// <summary>
/// The ledger's messages and results survive Orleans' serializer (they cross silos in cluster mode): consensus
/// messages, blocks and proofs through their canonical-bytes surrogates, read models member by member.
/// </summary>
public sealed class LedgerRoundTripTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void ConsensusMessages_BlocksAndProofs_RoundTrip()
    {
        using var chain = new TestChain();
        var finalized = chain.Next(transfers: 5);
        var proposal = new Proposal(finalized.Height, 0, -1, finalized.Block, 1, new byte[64]);
        var vote = new Vote(VoteType.Precommit, finalized.Height, 2, finalized.Block.Hash, 3, Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());
        var nilVote = vote with { Type = VoteType.Prevote, BlockHash = null };
        var proof = PaymentProof.For(finalized, 3);

        Assert.Equal(proposal, RoundTrip(proposal));
        Assert.Equal(vote, RoundTrip(vote));
        Assert.Equal(nilVote, RoundTrip(nilVote));
        Assert.Equal(new ProposalMessage(proposal), RoundTrip<ConsensusMessage>(new ProposalMessage(proposal)));
        Assert.Equal(finalized.Block, RoundTrip(finalized.Block));
        Assert.Equal(finalized.Certificate, RoundTrip(finalized.Certificate));
        Assert.Equal(proof.Encode(), RoundTrip(proof).Encode());
        Assert.Null(RoundTrip(proof).Verify(chain.Validators, chain.ChainId));
        Assert.Equal(chain.Validators, RoundTrip(chain.Validators));
        var decision = new Decision(finalized.Block, finalized.Certificate);
        Assert.Equal((decision.Block, decision.Certificate), (RoundTrip(decision).Block, RoundTrip(decision).Certificate));
        var guard = new SigningGuard(finalized.Height, 2, SignStep.Precommit, null, 1, finalized.Block.Hash, [vote, nilVote]);
        Assert.Equal(guard, RoundTrip(guard));
        var equivocation = new Equivocation(new VoteMessage(vote), new VoteMessage(vote with { BlockHash = null }));
        Assert.Equal(equivocation, RoundTrip(equivocation));
    }

    [Fact]
    public void ReadModelsAndOutcomes_RoundTripEveryMember()
    {
        using var key = AgentKey.Generate();
        using var verifier = AgentKey.Generate();
        var escrowId = new Hash32(Enumerable.Repeat((byte)7, 32).ToArray());
        var account = new Account(10, 20, [new UnbondingEntry(5, 99), new UnbondingEntry(6, 100)], 42);
        var snapshot = new AccountSnapshot(key.Did, account, 17);
        var escrow = new Escrow(escrowId, key.Did, 30, EscrowStatus.Released, 3, 9);
        var rejection = new TxRejection(TxRejectionCodes.InsufficientBalance, "needs 5, has 4");
        var transaction = SignedTransaction.Sign(new EscrowLock(key.Did, escrowId, 30, 1_700_000_000_123), key, "c");
        var status = new TxStatus(transaction.Id, TxState.Rejected, 4, 2, rejection);
        var validator = new ValidatorStatus(2, key.Did, true, 9, escrowId, 10, 1, "Prevote", "S127.0.0.1:1:1", 0);
        var payout = new EscrowPayout(escrowId, [new Payout(key.Did, 5), new Payout(verifier.Did, 6)], 2);
        var batch = new ProtocolBatch(key.Did, 3, [new EscrowRelease(escrowId, key.Did, 5, 1), new EscrowRefund(escrowId), new Slash(key.Did, 4, key.Did, 2), payout]);

        Assert.Equal(snapshot, RoundTrip(snapshot));
        Assert.Equal(escrow, RoundTrip(escrow));
        Assert.Equal(status, RoundTrip(status));
        Assert.Equal(validator, RoundTrip(validator));
        Assert.Equal(transaction, RoundTrip(transaction));
        Assert.Equal(new RejectedTransaction(transaction, rejection), RoundTrip(new RejectedTransaction(transaction, rejection)));
        Assert.Equal(batch, RoundTrip<TxBody>(batch));
        Assert.Equal(payout, RoundTrip<ProtocolOp>(payout));
        Assert.Equal(payout.Payouts, RoundTrip(payout).Payouts);
        Assert.Equal(
            ImmutableArray.Create(new SubmitResult(transaction.Id, SubmitStatus.Full)),
            RoundTrip(ImmutableArray.Create(new SubmitResult(transaction.Id, SubmitStatus.Full))));
    }

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;
}
