using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger;

/// <summary>A voucher's spent mark outlives its budget: a settle retried after the return is seen as paid, never paid again.</summary>
public class SpentVoucherTests
{
    [Fact]
    public void A_paid_voucher_stays_spent_after_its_budget_is_returned()
    {
        var open = new BudgetOpen(Alice.Did, 7, 500, 100);
        var task = Blake2b.Content("task"u8.ToArray());
        var signature = new Voucher(open.BudgetId, task, 80).Sign(Alice, ChainId);
        var settle = new VoucherSettle(open.BudgetId, task, 80, signature, Carol.Did, 70, 2);

        var paid = Apply(Start(), SignedTransaction.Sign(open, Alice, ChainId));
        paid = Apply(paid, Batch(1, settle));
        var returned = Apply(paid, SignedTransaction.Sign(new BudgetClose(Alice.Did, open.BudgetId), Alice, ChainId));
        returned = Apply(returned, Batch(2, new BudgetReturn(open.BudgetId)));

        Assert.True(paid.IsVoucherSpent(open.BudgetId, task));
        Assert.Equal(BudgetStatus.Returned, returned.GetBudget(open.BudgetId)!.Status);
        Assert.True(returned.IsVoucherSpent(open.BudgetId, task));
        Assert.False(returned.IsVoucherSpent(open.BudgetId, Blake2b.Content("other"u8.ToArray())));
        Assert.Equal(Allocation - 72, returned.GetAccount(Alice.Did).Balance);
        Assert.Equal(TestGenesis.TotalSupply, returned.Total());

        // The retry is refused, pays nothing, and the state's root and snapshot keep the mark.
        Assert.NotNull(Try(returned, Batch(3, settle)));
        Assert.True(LedgerSnapshot.Decode(TestGenesis, LedgerSnapshot.Encode(returned)).IsVoucherSpent(open.BudgetId, task));
    }
}
