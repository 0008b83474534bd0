using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>
/// A budget's life on the real ledger (four validators on two silos, PostgreSQL): the owner opens it, the orchestrator
/// settles a voucher on it (once: the same unit again is refused), the owner closes it and the orchestrator returns the rest.
/// </summary>
[Collection(LedgerClusterCollection.Name)]
public sealed class BudgetLedgerTests(LedgerClusterFixture fixture)
{
    private static readonly TimeSpan Finality = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Budget_OpenedSettledByVoucherThroughTheOrchestrator_ClosedAndReturned_MovesMoneyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        using var owner = AgentKey.Generate();
        using var payee = AgentKey.Generate();
        var chainId = fixture.Secrets.ChainId;
        Assert.Equal(TxState.Final, (await fixture.SubmitAndWaitAsync(fixture.TransferTo(owner.Did, 1_000), Finality, ct)).State);

        var height = (await fixture.Query.GetAccountAsync(owner.Did)).Height;
        var open = new BudgetOpen(owner.Did, 1, 600, height + 10_000);
        Assert.Equal(TxState.Final, (await fixture.SubmitAndWaitAsync(SignedTransaction.Sign(open, owner, chainId), Finality, ct)).State);
        var opened = await fixture.Query.GetBudgetAsync(open.BudgetId);
        Assert.Equal(new Budget(owner.Did, 600, open.ExpiryHeight, BudgetStatus.Open, 0), opened.Budget);
        Assert.Equal(400, (await fixture.Query.GetAccountAsync(owner.Did)).Account.Balance);

        var taskId = Blake2b.Content(Guid.NewGuid().ToByteArray());
        var voucher = new Voucher(open.BudgetId, taskId, 100);
        ProtocolOp[] settle = [new VoucherSettle(open.BudgetId, taskId, 100, voucher.Sign(owner, chainId), payee.Did, 90, 5)];
        var orchestrator = fixture.Cluster.Client.GetGrain<IOrchestratorGrain>(0);
        var first = await orchestrator.ExecuteAsync([.. settle]);
        var replay = await orchestrator.ExecuteAsync([.. settle]);

        Assert.True(first.Final, first.Reason);
        Assert.False(replay.Final);
        Assert.Contains(TxRejectionCodes.VoucherSpent, replay.Reason);
        Assert.True(await fixture.Query.IsVoucherSpentAsync(open.BudgetId, taskId));
        Assert.Equal(90, (await fixture.Query.GetAccountAsync(payee.Did)).Account.Balance);

        // Open and unexpired, the budget is not returned; once its owner closes it, it is.
        var early = await orchestrator.ExecuteAsync([new BudgetReturn(open.BudgetId)]);
        Assert.False(early.Final);
        Assert.Contains(TxRejectionCodes.BudgetNotClosing, early.Reason);
        var close = SignedTransaction.Sign(new BudgetClose(owner.Did, open.BudgetId), owner, chainId);
        Assert.Equal(TxState.Final, (await fixture.SubmitAndWaitAsync(close, Finality, ct)).State);
        var returned = await orchestrator.ExecuteAsync([new BudgetReturn(open.BudgetId)]);

        // The fee (5) went to the treasury: the owner is short by what the voucher paid in all.

        Assert.True(returned.Final, returned.Reason);
        Assert.Equal(new Budget(owner.Did, 0, open.ExpiryHeight, BudgetStatus.Returned, 95), (await fixture.Query.GetBudgetAsync(open.BudgetId)).Budget);
        Assert.Equal(1_000 - 95, (await fixture.Query.GetAccountAsync(owner.Did)).Account.Balance);
        var late = await orchestrator.ExecuteAsync([.. settle]);
        Assert.Contains(TxRejectionCodes.BudgetReturned, late.Reason);
    }
}
