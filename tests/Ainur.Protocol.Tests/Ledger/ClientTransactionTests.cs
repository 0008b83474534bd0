using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger;

public class ClientTransactionTests
{
    [Fact]
    public void Transfer_Valid_MovesAmountAndUsesNonce()
    {
        var after = Apply(Start(), Transfer(Alice, Bob, 300, 1));

        Assert.Equal(new Account(700, 0, [], 1), after.GetAccount(Alice.Did));
        Assert.Equal(new Account(1300, 0, [], 0), after.GetAccount(Bob.Did));
        Assert.Equal(TestGenesis.TotalSupply, after.Total());
    }

    [Fact]
    public void Transfer_ToUnseenAccount_CreatesIt()
    {
        var stranger = KeyFrom(99);

        var after = Apply(Start(), Transfer(Alice, stranger, 1, 1));

        Assert.Equal(Account.Empty, Start().GetAccount(stranger.Did));
        Assert.Equal(1, after.GetAccount(stranger.Did).Balance);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void Transfer_NonPositiveAmount_IsBadAmount(long amount) =>
        Assert.Equal(TxRejectionCodes.BadAmount, Try(Start(), Transfer(Alice, Bob, amount, 1))?.Code);

    [Fact]
    public void Transfer_ToSelf_IsRejected() =>
        Assert.Equal(TxRejectionCodes.SelfTransfer, Try(Start(), Transfer(Alice, Alice, 1, 1))?.Code);

    [Fact]
    public void Transfer_MoreThanBalance_IsInsufficientBalance() =>
        Assert.Equal(TxRejectionCodes.InsufficientBalance, Try(Start(), Transfer(Alice, Bob, Allocation + 1, 1))?.Code);

    [Fact]
    public void Transfer_NonceGap_IsAllowedAndLowerNoncesBecomeStale()
    {
        var after = Apply(Start(), Transfer(Alice, Bob, 1, 5));

        Assert.Equal(5, after.GetAccount(Alice.Did).Nonce);
        Assert.Equal(TxRejectionCodes.NonceNotIncreasing, Try(after, Transfer(Alice, Bob, 1, 4))?.Code);
        Assert.Equal(TxRejectionCodes.NonceNotIncreasing, Try(after, Transfer(Alice, Bob, 1, 5))?.Code);
        Assert.Null(Try(after, Transfer(Alice, Bob, 1, 6)));
    }

    [Fact]
    public void Transfer_Replayed_IsRejectedInLaterBlockAndSameBlock()
    {
        var transfer = Transfer(Alice, Bob, 10, 1);
        var after = Apply(Start(), transfer);

        Assert.Equal(TxRejectionCodes.NonceNotIncreasing, Try(after, transfer)?.Code);
        var batch = LedgerBatch.Begin(Start());
        Assert.Null(batch.TryApply(transfer, signatureChecked: false));
        Assert.Equal(TxRejectionCodes.NonceNotIncreasing, batch.TryApply(transfer, signatureChecked: false)?.Code);
    }

    [Fact]
    public void Transfer_Rejected_ChangesNothingNotEvenTheNonce()
    {
        var batch = LedgerBatch.Begin(Start());

        Assert.NotNull(batch.TryApply(Transfer(Alice, Bob, Allocation + 1, 1), signatureChecked: false));

        Assert.Equal(new Account(Allocation, 0, [], 0), batch.GetAccount(Alice.Did));
        Assert.Equal(Start().StateRoot, batch.ComputeStateRoot());
        Assert.Null(batch.TryApply(Transfer(Alice, Bob, 1, 1), signatureChecked: false));
    }

    [Fact]
    public void Transfer_SignedForAnotherChain_IsBadSignature() =>
        Assert.Equal(TxRejectionCodes.BadSignature, Try(Start(), Transfer(Alice, Bob, 1, 1, chainId: "other-chain"))?.Code);

    [Fact]
    public void Transfer_SignedByAnotherKey_IsBadSignature()
    {
        var body = new Transfer(Alice.Did, Bob.Did, 1, 1);
        var forged = SignedTransaction.FromParts(body, Bob.Sign(SignedTransaction.SigningBytes(ChainId, body)));

        Assert.Equal(TxRejectionCodes.BadSignature, Try(Start(), forged)?.Code);
    }

    [Fact]
    public void Transfer_SignatureCheckedByCaller_IsNotVerifiedAgain()
    {
        var forged = SignedTransaction.FromParts(new Transfer(Alice.Did, Bob.Did, 1, 1), new byte[64]);

        Assert.Null(LedgerBatch.Begin(Start()).TryApply(forged, signatureChecked: true));
    }

    [Fact]
    public void Stake_MovesBalanceToStakeAndSharesTheNonce()
    {
        var after = Apply(Start(), Stake(Alice, 400, 1));

        Assert.Equal(new Account(600, 400, [], 1), after.GetAccount(Alice.Did));
        Assert.Equal(TxRejectionCodes.NonceNotIncreasing, Try(after, Transfer(Alice, Bob, 1, 1))?.Code);
        Assert.Equal(TxRejectionCodes.InsufficientBalance, Try(after, Stake(Alice, 601, 2))?.Code);
        Assert.Equal(TxRejectionCodes.BadAmount, Try(after, Stake(Alice, 0, 2))?.Code);
    }

    [Fact]
    public void Unstake_MoreThanStake_IsInsufficientStake()
    {
        var staked = Apply(Start(), Stake(Alice, 100, 1));

        Assert.Equal(TxRejectionCodes.InsufficientStake, Try(staked, Unstake(Alice, 101, 2))?.Code);
        Assert.Equal(TxRejectionCodes.BadAmount, Try(staked, Unstake(Alice, -1, 2))?.Code);
        Assert.Equal(TxRejectionCodes.NonceNotIncreasing, Try(staked, Unstake(Alice, 1, 1))?.Code);
    }

    [Fact]
    public void EscrowLock_MovesBalanceIntoALockedEscrow()
    {
        var id = EscrowId(1);

        var after = Apply(Start(), Lock(Alice, id, 250));

        Assert.Equal(new Escrow(id, Alice.Did, 250, EscrowStatus.Locked, 1, 0), after.GetEscrow(id));
        Assert.Equal(new Account(750, 0, [], 0), after.GetAccount(Alice.Did));
        Assert.Equal(TestGenesis.TotalSupply, after.Total());
    }

    [Fact]
    public void EscrowLock_IdUsedBefore_IsRejectedEvenAfterClosing()
    {
        var id = EscrowId(1);
        var locked = Apply(Start(), Lock(Alice, id, 10));
        var refunded = Apply(locked, Batch(1, new EscrowRefund(id)));

        Assert.Equal(TxRejectionCodes.EscrowExists, Try(locked, Lock(Bob, id, 10))?.Code);
        Assert.Equal(TxRejectionCodes.EscrowExists, Try(refunded, Lock(Alice, id, 10))?.Code);
    }

    [Fact]
    public void EscrowLock_InABlockPastItsExpiry_IsRejectedAndChangesNothing()
    {
        var at5000 = BlockBuilder.Build(Start(), [], 0, 0, ProposerAfter(Start()), 5_000).After;
        var expired = Lock(Alice, EscrowId(1), 10, expiry: 4_999);
        var due = Lock(Alice, EscrowId(2), 10, expiry: 5_000);

        var built = BlockBuilder.Build(at5000, [expired, due], 10, 0, ProposerAfter(at5000), 5_000);

        Assert.Equal(TxRejectionCodes.EscrowLockExpired, Assert.Single(built.Rejected).Reason.Code);
        Assert.Equal([due], built.Block.Transactions);
        Assert.Null(built.After.GetEscrow(EscrowId(1)));
        Assert.Equal(Allocation - 10, built.After.GetAccount(Alice.Did).Balance);
        Assert.Equal(TxRejectionCodes.EscrowLockExpired, Try(built.After, Lock(Alice, EscrowId(3), 10, expiry: 4_999))?.Code);
    }

    [Fact]
    public void EscrowLock_BadAmountOrShortBalance_IsRejected()
    {
        Assert.Equal(TxRejectionCodes.BadAmount, Try(Start(), Lock(Alice, EscrowId(1), 0))?.Code);
        Assert.Equal(TxRejectionCodes.InsufficientBalance, Try(Start(), Lock(Alice, EscrowId(1), Allocation + 1))?.Code);
    }
}
