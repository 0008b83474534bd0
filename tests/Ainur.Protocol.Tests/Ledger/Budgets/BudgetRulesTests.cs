using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger.Budgets;

/// <summary>The budget rules one case at a time: what a budget's life looks like and what each refusal is.</summary>
public sealed class BudgetRulesTests
{
    private static readonly Hash32 Task1 = Blake2b.Content("task 1"u8);
    private static readonly Hash32 Task2 = Blake2b.Content("task 2"u8);

    // Alice's budget of 100 opened in block 1, settleable up to block 5.
    private static readonly Hash32 Id = BudgetIds.Of(Alice.Did, 1);
    private static readonly LedgerState Opened = Apply(Start(), Open(Alice, 1, 100, 5));

    [Fact]
    public void Open_MovesTheAmountIntoANewOpenBudget()
    {
        Assert.Equal(new Budget(Alice.Did, 100, 5, BudgetStatus.Open, 0), Opened.GetBudget(Id));
        Assert.Equal(Allocation - 100, Opened.GetAccount(Alice.Did).Balance);
        Assert.Equal(0, Opened.GetAccount(Alice.Did).Nonce);
        Assert.Equal(TestGenesis.TotalSupply, Opened.Total());
    }

    [Theory]
    [InlineData(1, 100, 5, TxRejectionCodes.BudgetExists)]
    [InlineData(2, 0, 5, TxRejectionCodes.BadAmount)]
    [InlineData(2, Allocation, 5, TxRejectionCodes.InsufficientBalance)]
    [InlineData(2, 10, 2, TxRejectionCodes.BudgetExpired)]
    public void Open_Refusals(long nonce, long amount, long expiry, string code) =>
        Assert.Equal(code, Try(Opened, Open(Alice, nonce, amount, expiry))?.Code);

    [Fact]
    public void Settle_PaysPayeeAndTreasuryFromTheBudget_AndMarksTheVoucherSpent()
    {
        var after = Apply(Opened, Batch(1, Settle(Alice, Id, Task1, 30, Carol.Did, 25, 3)));

        Assert.Equal(new Budget(Alice.Did, 72, 5, BudgetStatus.Open, 28), after.GetBudget(Id));
        Assert.Equal(Allocation + 25, after.GetAccount(Carol.Did).Balance);
        Assert.Equal(3, after.GetAccount(Treasury.Did).Balance);
        Assert.True(after.IsVoucherSpent(Id, Task1));
        Assert.False(after.IsVoucherSpent(Id, Task2));
        Assert.Equal(TestGenesis.TotalSupply, after.Total());
    }

    [Fact]
    public void Settle_Replayed_IsVoucherSpent_EvenInTheSameBlock()
    {
        var settle = Settle(Alice, Id, Task1, 30, Carol.Did, 10, 0);
        var after = Apply(Opened, Batch(1, settle));

        Assert.Equal(TxRejectionCodes.VoucherSpent, Try(after, Batch(2, settle))?.Code);
        Assert.Equal(TxRejectionCodes.VoucherSpent, Try(Opened, Batch(1, settle, settle))?.Code);
    }

    [Fact]
    public void Settle_BeyondTheBudget_IsBudgetExceeded()
    {
        var after = Apply(Opened, Batch(1, Settle(Alice, Id, Task1, 90, Carol.Did, 90, 0)));

        Assert.Equal(TxRejectionCodes.BudgetExceeded, Try(after, Batch(2, Settle(Alice, Id, Task2, 20, Carol.Did, 10, 1)))?.Code);
        Assert.Null(Try(after, Batch(2, Settle(Alice, Id, Task2, 20, Carol.Did, 9, 1))));
    }

    [Theory]
    [InlineData(20, 1, TxRejectionCodes.VoucherPriceExceeded)]
    [InlineData(-1, 0, TxRejectionCodes.BadAmount)]
    [InlineData(0, -1, TxRejectionCodes.BadAmount)]
    [InlineData(long.MaxValue, long.MaxValue, TxRejectionCodes.VoucherPriceExceeded)]
    public void Settle_BadAmounts_AreRefused(long payeeAmount, long fee, string code) =>
        Assert.Equal(code, Try(Opened, Batch(1, Settle(Alice, Id, Task1, 20, Carol.Did, payeeAmount, fee)))?.Code);

    [Fact]
    public void Settle_ZeroTotal_IsAllowed_AndSpendsTheVoucher()
    {
        var after = Apply(Opened, Batch(1, Settle(Alice, Id, Task1, 20, Carol.Did, 0, 0)));

        Assert.True(after.IsVoucherSpent(Id, Task1));
        Assert.Equal(100, after.GetBudget(Id)!.Remaining);
    }

    [Fact]
    public void Settle_WithAVoucherNotTheOwnersForExactlyThis_IsVoucherSignatureInvalid()
    {
        var voucher = new Voucher(Id, Task1, 20);
        byte[][] forged =
        [
            voucher.Sign(Bob, ChainId),                       // another signer
            voucher.Sign(Alice, "another-chain"),             // another chain
            (voucher with { TaskId = Task2 }).Sign(Alice, ChainId), // another task
            (voucher with { MaxPrice = 21 }).Sign(Alice, ChainId),  // another price
            (voucher with { BudgetId = BudgetIds.Of(Alice.Did, 2) }).Sign(Alice, ChainId), // another budget
        ];

        foreach (var signature in forged)
        {
            Assert.Equal(TxRejectionCodes.VoucherSignatureInvalid,
                Try(Opened, Batch(1, new VoucherSettle(Id, Task1, 20, signature, Carol.Did, 10, 0)))?.Code);
        }
    }

    [Fact]
    public void Settle_AfterExpiry_IsBudgetExpired_AtExpiryIsFine()
    {
        var atExpiry = Skip(Opened, 3); // height 4: the next block is 5
        Assert.Null(Try(atExpiry, Batch(1, Settle(Alice, Id, Task1, 20, Carol.Did, 10, 0))));

        var past = Skip(atExpiry, 1);
        Assert.Equal(TxRejectionCodes.BudgetExpired, Try(past, Batch(1, Settle(Alice, Id, Task1, 20, Carol.Did, 10, 0)))?.Code);
    }

    [Fact]
    public void Settle_ForNothing_AppliesPastExpiryAndAfterTheReturn_OnceOnly_MovingNothing()
    {
        // A refund that slashes its agent spends the voucher for nothing: its unit must still apply once the budget is gone.
        var expired = Skip(Apply(Opened, Stake(Carol, 10, 1)), 3);
        var zero = Settle(Alice, Id, Task1, 20, Alice.Did, 0, 0);
        var returned = Apply(expired, Batch(1, new BudgetReturn(Id)));

        foreach (var before in new[] { expired, returned })
        {
            var after = Apply(before, Batch(2, zero, new Slash(Carol.Did, 5, Alice.Did, 0)));

            Assert.True(after.IsVoucherSpent(Id, Task1));
            Assert.Equal(before.GetBudget(Id), after.GetBudget(Id));
            Assert.Equal(before.GetAccount(Carol.Did).Stake - 5, after.GetAccount(Carol.Did).Stake);
            Assert.Equal(TestGenesis.TotalSupply, after.Total());
            Assert.Equal(TxRejectionCodes.VoucherSpent, Try(after, Batch(3, zero, new Slash(Carol.Did, 5, Alice.Did, 0)))?.Code);
        }

        // Paying anything is still refused there.
        Assert.Equal(TxRejectionCodes.BudgetExpired, Try(expired, Batch(2, Settle(Alice, Id, Task1, 20, Carol.Did, 0, 1)))?.Code);
        Assert.Equal(TxRejectionCodes.BudgetReturned, Try(returned, Batch(2, Settle(Alice, Id, Task1, 20, Carol.Did, 1, 0)))?.Code);
    }

    [Fact]
    public void Settle_UnknownBudget_IsBudgetNotFound() =>
        Assert.Equal(TxRejectionCodes.BudgetNotFound, Try(Opened, Batch(1, Settle(Alice, BudgetIds.Of(Alice.Did, 9), Task1, 20, Carol.Did, 1, 0)))?.Code);

    [Fact]
    public void Return_BeforeExpiry_IsBudgetNotClosing_UnlessClosed()
    {
        Assert.Equal(TxRejectionCodes.BudgetNotClosing, Try(Opened, Batch(1, new BudgetReturn(Id)))?.Code);

        var closed = Apply(Opened, SignedTransaction.Sign(new BudgetClose(Alice.Did, Id), Alice, ChainId));
        Assert.Equal(BudgetStatus.Closing, closed.GetBudget(Id)!.Status);
        Assert.Null(Try(closed, Batch(1, new BudgetReturn(Id))));
    }

    [Fact]
    public void Return_AfterExpiry_GivesTheRestBack_KeepsTheVouchersSpent_AndRefusesEverythingAfter()
    {
        var settle = Settle(Alice, Id, Task1, 30, Carol.Did, 20, 2);
        var paid = Apply(Opened, Batch(1, settle));
        var expired = Skip(paid, 4);

        var returned = Apply(expired, Batch(2, new BudgetReturn(Id)));

        Assert.Equal(new Budget(Alice.Did, 0, 5, BudgetStatus.Returned, 22), returned.GetBudget(Id));
        Assert.Equal(Allocation - 22, returned.GetAccount(Alice.Did).Balance);
        Assert.True(returned.IsVoucherSpent(Id, Task1));
        Assert.Equal(TestGenesis.TotalSupply, returned.Total());
        Assert.Equal(TxRejectionCodes.BudgetReturned, Try(returned, Batch(3, settle))?.Code);
        Assert.Equal(TxRejectionCodes.BudgetReturned, Try(returned, Batch(3, new BudgetReturn(Id)))?.Code);
        Assert.Equal(TxRejectionCodes.BudgetReturned, Try(returned, TopUp(Alice, Id, 5, 1))?.Code);
        Assert.Equal(TxRejectionCodes.BudgetReturned, Try(returned, SignedTransaction.Sign(new BudgetClose(Alice.Did, Id), Alice, ChainId))?.Code);
        Assert.Equal(TxRejectionCodes.BudgetExists, Try(returned, Open(Alice, 1, 10, 20))?.Code);
    }

    [Fact]
    public void Closing_StillSettlesVouchersUntilExpiry_ButRefusesTopUpsAndASecondClose()
    {
        var closed = Apply(Opened, SignedTransaction.Sign(new BudgetClose(Alice.Did, Id), Alice, ChainId));

        Assert.Null(Try(closed, Batch(1, Settle(Alice, Id, Task1, 20, Carol.Did, 10, 0))));
        Assert.Equal(TxRejectionCodes.BudgetClosing, Try(closed, TopUp(Alice, Id, 5, 1))?.Code);
        Assert.Equal(TxRejectionCodes.BudgetClosing, Try(closed, SignedTransaction.Sign(new BudgetClose(Alice.Did, Id), Alice, ChainId))?.Code);
    }

    [Fact]
    public void TopUp_AddsToTheBudget_SpendsTheOwnersNonce_AndRefusesReplaysAndStrangers()
    {
        var topUp = TopUp(Alice, Id, 40, 1);
        var after = Apply(Opened, topUp);

        Assert.Equal(140, after.GetBudget(Id)!.Remaining);
        Assert.Equal(Allocation - 140, after.GetAccount(Alice.Did).Balance);
        Assert.Equal(1, after.GetAccount(Alice.Did).Nonce);
        Assert.Equal(TxRejectionCodes.NonceNotIncreasing, Try(after, topUp)?.Code);
        Assert.Equal(TxRejectionCodes.NotBudgetOwner, Try(after, TopUp(Bob, Id, 40, 1))?.Code);
        Assert.Equal(TxRejectionCodes.NotBudgetOwner, Try(after, SignedTransaction.Sign(new BudgetClose(Bob.Did, Id), Bob, ChainId))?.Code);
        Assert.Equal(TxRejectionCodes.BudgetExpired, Try(Skip(after, 4), TopUp(Alice, Id, 40, 2))?.Code);
    }

    [Fact]
    public void PrecheckedVouchers_GiveTheSameOutcomeAsCheckingOneByOne()
    {
        // One block that opens a budget and settles on it with a genuine and a forged voucher: precheck finds the owner in the block.
        var open = Open(Bob, 7, 50, 9);
        var bobs = BudgetIds.Of(Bob.Did, 7);
        var good = Batch(1, Settle(Bob, bobs, Task1, 10, Carol.Did, 10, 0));
        var forged = Batch(2, new VoucherSettle(bobs, Task2, 10, new Voucher(bobs, Task2, 10).Sign(Alice, ChainId), Carol.Did, 10, 0));
        SignedTransaction[] candidates = [open, good, forged];

        var prechecked = LedgerBatch.Begin(Opened);
        prechecked.PrecheckVouchers(candidates, 0, candidates.Length, maxParallelism: 2);
        var oneByOne = LedgerBatch.Begin(Opened);

        Assert.Equal(candidates.Select(t => prechecked.TryApply(t, false)?.Code), candidates.Select(t => oneByOne.TryApply(t, false)?.Code));
        Assert.Equal(TxRejectionCodes.VoucherSignatureInvalid, LedgerBatch.Begin(Apply(Opened, open, good)).TryApply(forged, false)?.Code);
    }

    private static SignedTransaction Open(AgentKey owner, long nonce, long amount, long expiry) =>
        SignedTransaction.Sign(new BudgetOpen(owner.Did, nonce, amount, expiry), owner, ChainId);

    private static SignedTransaction TopUp(AgentKey owner, Hash32 id, long amount, long nonce) =>
        SignedTransaction.Sign(new BudgetTopUp(owner.Did, id, amount, nonce), owner, ChainId);

    private static VoucherSettle Settle(AgentKey owner, Hash32 id, Hash32 task, long maxPrice, Did payee, long payeeAmount, long fee) =>
        new(id, task, maxPrice, new Voucher(id, task, maxPrice).Sign(owner, ChainId), payee, payeeAmount, fee);
}
