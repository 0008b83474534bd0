using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger;

public class BlockBuilderTests
{
    [Fact]
    public void Build_SameSignerOutOfNonceOrder_AppliesInNonceOrderInTheSignersSlots()
    {
        var lockByAlice = Lock(Alice, EscrowId(1), 5);
        SignedTransaction[] candidates = [Transfer(Alice, Bob, 1, 3), Transfer(Carol, Bob, 1, 1), lockByAlice, Transfer(Alice, Bob, 1, 1), Transfer(Alice, Bob, 1, 2)];

        var built = Build(Start(), candidates, 10);

        Assert.Empty(built.Rejected);
        Assert.Equal([candidates[3], candidates[1], lockByAlice, candidates[4], candidates[0]], built.Block.Transactions);
    }

    [Fact]
    public void Build_ClockBehindTheLastBlock_KeepsTheLastBlocksTime()
    {
        var at5000 = BlockBuilder.Build(Start(), [], 0, 0, ProposerAfter(Start()), 5_000).After;

        var built = BlockBuilder.Build(at5000, [Lock(Alice, EscrowId(1), 5, expiry: 4_999)], 10, 0, ProposerAfter(at5000), 1_000);

        Assert.Equal(5_000, built.Block.Header.TimeUnixMs);
        Assert.Equal(TxRejectionCodes.EscrowLockExpired, Assert.Single(built.Rejected).Reason.Code);
        Assert.True(BlockExecution.Execute(at5000, built.Block).IsValid);
    }

    [Fact]
    public void Build_InvalidCandidates_AreLeftOutWithTheirReasons()
    {
        var good = Transfer(Alice, Bob, 1, 1);
        var forged = SignedTransaction.FromParts(new Transfer(Bob.Did, Carol.Did, 1, 1), new byte[64]);
        SignedTransaction[] candidates = [good, good, forged, Transfer(Carol, Bob, 1, 1, chainId: "other-chain"), Transfer(Carol, Bob, Allocation + 1, 2), Transfer(Carol, Alice, 3, 3)];

        var built = Build(Start(), candidates, 10);

        Assert.Equal([good, candidates[5]], built.Block.Transactions);
        Assert.Equal(
            [TxRejectionCodes.Duplicate, TxRejectionCodes.BadSignature, TxRejectionCodes.BadSignature, TxRejectionCodes.InsufficientBalance],
            built.Rejected.Select(r => r.Reason.Code));
        Assert.Equal([candidates[1], forged, candidates[3], candidates[4]], built.Rejected.Select(r => r.Transaction));
    }

    [Fact]
    public void Build_ForgedCopyBeforeTheGenuine_KeepsTheGenuine()
    {
        var genuine = Transfer(Alice, Bob, 1, 1);
        var forged = SignedTransaction.FromParts(genuine.Body, new byte[64]);

        var built = Build(Start(), [forged, genuine], 10);

        Assert.Equal([genuine], built.Block.Transactions);
    }

    [Fact]
    public void Build_StopsAtMaxTransactionsAndLeavesTheRestUnexamined()
    {
        var candidates = Enumerable.Range(1, 8).Select(n => Transfer(Alice, Bob, 1, n)).ToArray();

        var built = Build(Start(), [Transfer(Bob, Alice, 0, 1), .. candidates], 3);

        Assert.Equal(candidates[..3], built.Block.Transactions);
        Assert.Single(built.Rejected);
        Assert.Equal(3, built.Block.Header.TxCount);
    }

    [Fact]
    public void Build_NoCandidatesOrZeroMax_MakesAnEmptyValidBlock()
    {
        var empty = Build(Start(), [], 10);
        var zero = Build(Start(), [Transfer(Alice, Bob, 1, 1)], 0);

        Assert.Empty(zero.Block.Transactions);
        Assert.Empty(zero.Rejected);
        Assert.Equal(Start().StateRoot, empty.After.StateRoot);
        Assert.True(BlockExecution.Execute(Start(), empty.Block).IsValid);
    }

    [Fact]
    public void Build_SignaturesVerifiedByCaller_AreNotVerifiedAgain()
    {
        var forged = SignedTransaction.FromParts(new Transfer(Bob.Did, Carol.Did, 1, 1), new byte[64]);

        var built = BlockBuilder.Build(Start(), [forged], 10, 0, ProposerAfter(Start()), 0, verified: _ => true);

        Assert.Equal([forged], built.Block.Transactions);
    }

    [Fact]
    public void Build_WrongProposerOrNegativeArguments_Throws()
    {
        var state = Start();
        var wrong = (ProposerAfter(state) + 1) % Validators.Length;

        Assert.Throws<ArgumentOutOfRangeException>(() => BlockBuilder.Build(state, [], 10, 0, wrong, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockBuilder.Build(state, [], -1, 0, ProposerAfter(state), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockBuilder.Build(state, [], 10, -1, ProposerAfter(state), 0));
    }

    [Fact]
    public void Build_LaterRound_NamesThatRoundsProposer()
    {
        var state = Start();

        var built = BlockBuilder.Build(state, [], 10, 3, ProposerAfter(state, 3), 0);

        Assert.Equal(3, built.Block.Header.Round);
        Assert.True(BlockExecution.Execute(state, built.Block).IsValid);
    }

    private static BuiltBlock Build(LedgerState state, SignedTransaction[] candidates, int max) =>
        BlockBuilder.Build(state, candidates, max, 0, ProposerAfter(state), 0);
}
