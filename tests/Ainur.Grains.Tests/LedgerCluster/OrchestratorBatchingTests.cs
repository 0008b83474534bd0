using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>
/// How the orchestrator treats units sent again while the ledger is slow (found in the fault suite: after a silo froze,
/// settlements timed out and were retried, and each copy sank the batch it rode in). The ledger is halted (two of four
/// validators off) while the units are queued, so what travels together is fixed when it resumes.
/// </summary>
[Collection(LedgerClusterCollection.Name)]
public sealed class OrchestratorBatchingTests(LedgerClusterFixture fixture)
{
    private static readonly TimeSpan Finality = TimeSpan.FromSeconds(30);
    private const long Price = 10;

    [Fact]
    public async Task AUnitAskedForAgainWhileItWaits_JoinsTheFirst_AndBothCallersHearItFinal()
    {
        var ct = TestContext.Current.CancellationToken;
        using var owner = AgentKey.Generate();
        var budget = await OpenBudgetAsync(owner, ct);
        var unit = Settle(budget);
        var orchestrator = fixture.Cluster.Client.GetGrain<IOrchestratorGrain>(0);

        var (first, again) = await WhileHaltedAsync(() => (orchestrator.ExecuteAsync(unit), orchestrator.ExecuteAsync(unit)), ct);

        var outcomes = await Task.WhenAll(first, again);
        Assert.All(outcomes, o => Assert.True(o.Final, o.Reason));
        Assert.Equal(outcomes[0].Height, outcomes[1].Height);
        Assert.Equal(Price, (await fixture.Query.GetBudgetAsync(budget.Open.BudgetId)).Budget!.Spent);
    }

    [Fact]
    public async Task AUnitThatAppliedBefore_InABatchWithOthers_IsRefusedAlone_AndTheOthersStayTogether()
    {
        var ct = TestContext.Current.CancellationToken;
        using var owner = AgentKey.Generate();
        var budget = await OpenBudgetAsync(owner, ct);
        var orchestrator = fixture.Cluster.Client.GetGrain<IOrchestratorGrain>(0);
        var replayed = Settle(budget);
        Assert.True((await orchestrator.ExecuteAsync(replayed)).Final);

        var (fillers, replay, others) = await WhileHaltedAsync(async () =>
        {
            // Four units fill the batches that may travel at once; the replay and the others queue behind them, together.
            var fillers = Enumerable.Range(0, 4).Select(_ => orchestrator.ExecuteAsync(Settle(budget))).ToList();
            await WaitUntilAsync(async () => (await fixture.Mempool.GetHeadAsync()).Pending == 4, "the four batches in the pool", ct);
            var replay = orchestrator.ExecuteAsync(replayed);
            var others = Enumerable.Range(0, 8).Select(_ => orchestrator.ExecuteAsync(Settle(budget))).ToList();
            await WaitUntilAsync(async () => await orchestrator.GetQueuedAsync() == 9, "the nine units queued", ct);
            return (fillers, replay, others);
        }, ct);

        Assert.All(await Task.WhenAll(fillers), o => Assert.True(o.Final, o.Reason));
        var refused = await replay;
        Assert.False(refused.Final);
        Assert.Contains(TxRejectionCodes.VoucherSpent, refused.Reason);
        var settled = await Task.WhenAll(others);
        Assert.All(settled, o => Assert.True(o.Final, o.Reason));
        Assert.Single(settled.Select(o => o.Height).Distinct());
        Assert.Equal(13 * Price, (await fixture.Query.GetBudgetAsync(budget.Open.BudgetId)).Budget!.Spent);
    }

    /// <summary>Runs <paramref name="queue"/> with finality halted, then lets the ledger go on.</summary>
    private async Task<T> WhileHaltedAsync<T>(Func<Task<T>> queue, CancellationToken ct)
    {
        await LedgerChain.WaitForSpreadAsync(fixture, 2, ct);
        await fixture.Validator(1).SetOnlineAsync(false);
        await fixture.Validator(2).SetOnlineAsync(false);
        try
        {
            return await queue();
        }
        finally
        {
            await fixture.Validator(1).SetOnlineAsync(true);
            await fixture.Validator(2).SetOnlineAsync(true);
        }
    }

    private Task<T> WhileHaltedAsync<T>(Func<T> queue, CancellationToken ct) => WhileHaltedAsync(() => Task.FromResult(queue()), ct);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + Finality;
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"waited {Finality.TotalSeconds:F0} s for {what}");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>A budget of 1,000 of a fresh <paramref name="owner"/>, final on the ledger.</summary>
    private async Task<FundedBudget> OpenBudgetAsync(AgentKey owner, CancellationToken ct)
    {
        Assert.Equal(TxState.Final, (await fixture.SubmitAndWaitAsync(fixture.TransferTo(owner.Did, 1_000), Finality, ct)).State);
        var height = (await fixture.Query.GetAccountAsync(owner.Did)).Height;
        var open = new BudgetOpen(owner.Did, 1, 1_000, height + 10_000);
        Assert.Equal(TxState.Final, (await fixture.SubmitAndWaitAsync(SignedTransaction.Sign(open, owner, fixture.Secrets.ChainId), Finality, ct)).State);
        return new FundedBudget(owner, open);
    }

    /// <summary>A unit settling a new task's voucher on <paramref name="budget"/> for <see cref="Price"/>.</summary>
    private System.Collections.Immutable.ImmutableArray<ProtocolOp> Settle(FundedBudget budget)
    {
        var taskId = Blake2b.Content(Guid.NewGuid().ToByteArray());
        var signature = new Voucher(budget.Open.BudgetId, taskId, Price).Sign(budget.Owner, fixture.Secrets.ChainId);
        return [new VoucherSettle(budget.Open.BudgetId, taskId, Price, signature, budget.Owner.Did, Price - 1, 1)];
    }

    private sealed record FundedBudget(AgentKey Owner, BudgetOpen Open);
}
