using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger;

public class ProtocolBatchTests
{
    private static readonly LedgerState Locked = Apply(Start(), Lock(Alice, EscrowId(1), 100), Lock(Bob, EscrowId(2), 50));

    [Fact]
    public void Release_PaysPayeeFeeToTreasuryAndRestToPayer()
    {
        var after = Apply(Locked, Batch(1, new EscrowRelease(EscrowId(1), Carol.Did, 70, 5)));

        Assert.Equal(Allocation + 70, after.GetAccount(Carol.Did).Balance);
        Assert.Equal(5, after.GetAccount(Treasury.Did).Balance);
        Assert.Equal(Allocation - 100 + 25, after.GetAccount(Alice.Did).Balance);
        Assert.Equal(new Escrow(EscrowId(1), Alice.Did, 100, EscrowStatus.Released, 1, 2), after.GetEscrow(EscrowId(1)));
        Assert.Equal(1, after.OrchestratorSequence);
        Assert.Equal(TestGenesis.TotalSupply, after.Total());
    }

    [Fact]
    public void Refund_ReturnsEverythingToPayer()
    {
        var after = Apply(Locked, Batch(1, new EscrowRefund(EscrowId(2))));

        Assert.Equal(Allocation, after.GetAccount(Bob.Did).Balance);
        Assert.Equal(EscrowStatus.Refunded, after.GetEscrow(EscrowId(2))!.Status);
        Assert.Equal(2, after.GetEscrow(EscrowId(2))!.ClosedAtHeight);
    }

    [Fact]
    public void Batch_SignedByOtherThanOrchestrator_IsNotOrchestrator() =>
        Assert.Equal(TxRejectionCodes.NotOrchestrator, Try(Locked, BatchBy(Alice, 1, new EscrowRefund(EscrowId(1))))?.Code);

    [Fact]
    public void Batch_SequenceNotAboveLast_IsRejected()
    {
        var after = Apply(Locked, Batch(5, new EscrowRefund(EscrowId(1))));

        Assert.Equal(TxRejectionCodes.NonceNotIncreasing, Try(after, Batch(5, new EscrowRefund(EscrowId(2))))?.Code);
        Assert.Equal(TxRejectionCodes.NonceNotIncreasing, Try(after, Batch(4, new EscrowRefund(EscrowId(2))))?.Code);
        Assert.Null(Try(after, Batch(6, new EscrowRefund(EscrowId(2)))));
    }

    [Fact]
    public void Batch_WithoutOperations_IsEmptyBatch() =>
        Assert.Equal(TxRejectionCodes.EmptyBatch, Try(Locked, Batch(1))?.Code);

    [Theory]
    [InlineData(101, 0, TxRejectionCodes.ReleaseExceedsEscrow)]
    [InlineData(60, 41, TxRejectionCodes.ReleaseExceedsEscrow)]
    [InlineData(long.MaxValue, long.MaxValue, TxRejectionCodes.ReleaseExceedsEscrow)]
    [InlineData(-1, 0, TxRejectionCodes.BadAmount)]
    [InlineData(0, -1, TxRejectionCodes.BadAmount)]
    public void Release_BadAmounts_AreRejected(long payeeAmount, long fee, string code) =>
        Assert.Equal(code, Try(Locked, Batch(1, new EscrowRelease(EscrowId(1), Carol.Did, payeeAmount, fee)))?.Code);

    [Fact]
    public void Release_AllToFee_IsAllowed()
    {
        var after = Apply(Locked, Batch(1, new EscrowRelease(EscrowId(1), Carol.Did, 0, 100)));

        Assert.Equal(100, after.GetAccount(Treasury.Did).Balance);
        Assert.Equal(Allocation, after.GetAccount(Carol.Did).Balance);
    }

    [Fact]
    public void ReleaseOrRefund_UnknownOrClosedEscrow_IsRejected()
    {
        var refunded = Apply(Locked, Batch(1, new EscrowRefund(EscrowId(1))));

        Assert.Equal(TxRejectionCodes.UnknownEscrow, Try(Locked, Batch(1, new EscrowRefund(EscrowId(9))))?.Code);
        Assert.Equal(TxRejectionCodes.UnknownEscrow, Try(Locked, Batch(1, new EscrowRelease(EscrowId(9), Carol.Did, 1, 0)))?.Code);
        Assert.Equal(TxRejectionCodes.EscrowClosed, Try(refunded, Batch(2, new EscrowRefund(EscrowId(1))))?.Code);
        Assert.Equal(TxRejectionCodes.EscrowClosed, Try(refunded, Batch(2, new EscrowRelease(EscrowId(1), Carol.Did, 1, 0)))?.Code);
    }

    [Fact]
    public void Batch_OneInvalidOperation_AppliesNothing()
    {
        var batch = Ainur.Protocol.Ledger.Execution.LedgerBatch.Begin(Locked);

        var rejection = batch.TryApply(
            Batch(1, new EscrowRefund(EscrowId(1)), new EscrowRelease(EscrowId(2), Carol.Did, 50, 0), new EscrowRefund(EscrowId(1))),
            signatureChecked: false);

        Assert.Equal(TxRejectionCodes.EscrowClosed, rejection?.Code);
        Assert.StartsWith("Operation 2:", rejection!.Message, StringComparison.Ordinal);
        Assert.Equal(2, rejection.Operation);
        Assert.Equal(0, batch.OrchestratorSequence);
        Assert.Equal(EscrowStatus.Locked, batch.GetEscrow(EscrowId(1))!.Status);
        Assert.Equal(EscrowStatus.Locked, batch.GetEscrow(EscrowId(2))!.Status);
        Assert.Equal(Locked.GetAccount(Carol.Did), batch.GetAccount(Carol.Did));
        Assert.Equal(Locked.StateRoot, batch.ComputeStateRoot());
    }

    [Fact]
    public void Slash_TakesStakeFirstThenUnbondingLatestFirst()
    {
        // Alice stakes 100 and unstakes 30 in block 2 (due at 4) and 20 in block 3 (due at 5): stake 50, entries [30@4, 20@5].
        var state = Apply(Start(), Stake(Alice, 100, 1));
        state = Apply(state, Unstake(Alice, 30, 2));

        var after = Apply(state, Unstake(Alice, 20, 3), Batch(1, new Slash(Alice.Did, 75, Bob.Did, 40)));

        Assert.Equal(new Account(Allocation - 100, 0, [new UnbondingEntry(25, 4)], 3), after.GetAccount(Alice.Did));
        Assert.Equal(Allocation + 40, after.GetAccount(Bob.Did).Balance);
        Assert.Equal(35, after.GetAccount(Treasury.Did).Balance);
        Assert.Equal(TestGenesis.TotalSupply, after.Total());
    }

    [Fact]
    public void Slash_MoreThanStakeAndUnbonding_IsInsufficientStake()
    {
        var staked = Apply(Start(), Stake(Alice, 100, 1));

        Assert.Equal(TxRejectionCodes.InsufficientStake, Try(staked, Batch(1, new Slash(Alice.Did, 101, Bob.Did, 0)))?.Code);
        Assert.Equal(TxRejectionCodes.InsufficientStake, Try(staked, Batch(1, new Slash(Bob.Did, 1, Alice.Did, 0)))?.Code);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 11)]
    [InlineData(10, -1)]
    public void Slash_BadAmountOrShare_IsBadAmount(long amount, long share)
    {
        var staked = Apply(Start(), Stake(Alice, 100, 1));

        Assert.Equal(TxRejectionCodes.BadAmount, Try(staked, Batch(1, new Slash(Alice.Did, amount, Bob.Did, share)))?.Code);
    }
}
