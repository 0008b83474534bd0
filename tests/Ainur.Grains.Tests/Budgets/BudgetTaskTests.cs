using Ainur.Grains.Interfaces.Budgets;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Tests.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tests.Budgets;

/// <summary>
/// Tasks paid from budgets on a real cluster and ledger: the voucher pays the agent from the budget, the budget grain
/// refuses what it cannot pay for before a task exists, a closing or expired budget returns its rest to its owner.
/// </summary>
[Collection(TaskWorldCollection.Name)]
public sealed class BudgetTaskTests(TaskWorld world)
{
    [Fact]
    public async Task A_budget_task_is_locked_at_once_and_its_voucher_pays_the_agent_from_the_budget()
    {
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("budget.pay", price: 300)).Did).Start();
        var budget = await world.OpenBudgetAsync(client, 1000);
        var clientBefore = (await world.AccountAsync(client.Did)).Account.Balance;
        var agentBefore = (await world.AccountAsync(agent.Agent)).Account.Balance;

        var (id, reply) = await world.SubmitFromBudgetAsync(client, budget, "budget.pay", maxPrice: 500);
        Assert.Null(reply.Rejection);
        Assert.Equal(HoldState.Locked, reply.Task!.Payment);
        Assert.Equal((1, 500L), ((await world.Budget(budget).GetAsync()).ReservedTasks, (await world.Budget(budget).GetAsync()).ReservedAmount));

        await world.WaitForAsync(id, t => t.State == TaskState.Verifying);
        Assert.Null((await world.Task(id).ExecuteAsync(new AcceptResult(client.Did))).Rejection);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        Assert.Equal(HoldState.Released, settled.Payment);
        Assert.Equal(clientBefore, (await world.AccountAsync(client.Did)).Account.Balance);
        Assert.Equal(agentBefore + 300 - 3, (await world.AccountAsync(agent.Agent)).Account.Balance);
        var onLedger = (await world.BudgetOnLedgerAsync(budget)).Budget!;
        Assert.Equal((1000L - 300, 300L), (onLedger.Remaining, onLedger.Spent));
        Assert.True(await world.Grains.GetGrain<ILedgerQueryGrain>(0).IsVoucherSpentAsync(budget, id));
        var usage = await world.Budget(budget).GetAsync();
        Assert.Equal((0, 1L, 0L), (usage.ReservedTasks, usage.SettledTasks, usage.ReleasedTasks));
    }

    [Fact]
    public async Task A_submit_beyond_what_the_budget_holds_less_its_reservations_is_refused_and_creates_nothing()
    {
        var client = await world.NewAccountAsync();
        await world.EnlistAsync("budget.short", price: 500);
        var budget = await world.OpenBudgetAsync(client, 80);

        var (first, accepted) = await world.SubmitFromBudgetAsync(client, budget, "budget.short", maxPrice: 50);
        var (second, refused) = await world.SubmitFromBudgetAsync(client, budget, "budget.short", maxPrice: 50);

        Assert.Null(accepted.Rejection);
        Assert.Equal(BudgetRefusals.Exceeded, refused.Rejection?.Code);
        Assert.Null(await world.Task(second).GetAsync());
        Assert.Equal(1, (await world.Budget(budget).GetAsync()).ReservedTasks);
        Assert.NotNull(await world.Task(first).GetAsync());
    }

    [Fact]
    public async Task A_voucher_not_signed_by_the_budget_owner_or_for_another_clients_task_is_refused()
    {
        var owner = await world.NewAccountAsync();
        var other = await world.NewAccountAsync();
        await world.EnlistAsync("budget.theft", price: 500);
        var budget = await world.OpenBudgetAsync(owner, 1000);

        var (forged, byOther) = await world.SubmitFromBudgetAsync(owner, budget, "budget.theft", signer: other);
        var (foreign, forOther) = await world.SubmitFromBudgetAsync(other, budget, "budget.theft", signer: owner);
        var (unknown, noBudget) = await world.SubmitFromBudgetAsync(owner, Blake2b.Content(Guid.NewGuid().ToByteArray()), "budget.theft");

        Assert.Equal(BudgetRefusals.InvalidVoucher, byOther.Rejection?.Code);
        Assert.Equal(BudgetRefusals.InvalidVoucher, forOther.Rejection?.Code);
        Assert.Equal(BudgetRefusals.NotFound, noBudget.Rejection?.Code);
        Assert.Null(await world.Task(forged).GetAsync());
        Assert.Null(await world.Task(foreign).GetAsync());
        Assert.Null(await world.Task(unknown).GetAsync());
        Assert.Equal(0, (await world.Budget(budget).GetAsync()).ReservedTasks);
    }

    [Fact]
    public async Task A_closing_budget_refuses_new_tasks_settles_the_ones_in_flight_then_returns_its_rest()
    {
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("budget.close", price: 20)).Did).Start();
        var budget = await world.OpenBudgetAsync(client, 300);
        var (inFlight, _) = await world.SubmitFromBudgetAsync(client, budget, "budget.close", maxPrice: 40);
        await world.WaitForAsync(inFlight, t => t.State == TaskState.Verifying);

        Assert.Equal(TxState.Final, (await world.FinalizeAsync(SignedTransaction.Sign(new BudgetClose(client.Did, budget), client, world.Secrets.ChainId))).State);
        await world.Budget(budget).ActivateAsync();
        var (late, refused) = await world.SubmitFromBudgetAsync(client, budget, "budget.close", maxPrice: 40);
        Assert.Equal(BudgetRefusals.Closing, refused.Rejection?.Code);
        Assert.Null(await world.Task(late).GetAsync());
        var balanceBefore = (await world.AccountAsync(client.Did)).Account.Balance;

        Assert.Null((await world.Task(inFlight).ExecuteAsync(new AcceptResult(client.Did))).Rejection);
        Assert.Equal(HoldState.Released, (await world.WaitForAsync(inFlight, t => t.IsClosed)).Payment);
        var returned = await WaitReturnedAsync(budget);

        Assert.Equal(20L, returned.Spent);
        Assert.Equal(balanceBefore + 300 - 20, (await world.AccountAsync(client.Did)).Account.Balance);
    }

    [Fact]
    public async Task An_expired_budget_returns_its_rest_and_a_cancelled_task_only_releases_its_reservation()
    {
        var client = await world.NewAccountAsync();
        await world.EnlistAsync("budget.expire", price: 500);
        var budget = await world.OpenBudgetAsync(client, 200, heights: 40);
        var (cancelled, _) = await world.SubmitFromBudgetAsync(client, budget, "budget.expire", maxPrice: 60);
        Assert.Null((await world.Task(cancelled).ExecuteAsync(new CancelTask(client.Did))).Rejection);
        Assert.Equal(HoldState.Refunded, (await world.WaitForAsync(cancelled, t => t.IsClosed)).Payment);
        Assert.Equal((0, 1L), ((await world.Budget(budget).GetAsync()).ReservedTasks, (await world.Budget(budget).GetAsync()).ReleasedTasks));
        var balanceBefore = (await world.AccountAsync(client.Did)).Account.Balance;

        await world.AdvancePastAsync((await world.BudgetOnLedgerAsync(budget)).Budget!.ExpiryHeight);
        var returned = await WaitReturnedAsync(budget);

        Assert.Equal(0L, returned.Spent);
        Assert.Equal(balanceBefore + 200, (await world.AccountAsync(client.Did)).Account.Balance);
    }

    [Fact]
    public async Task A_settlement_sent_again_after_its_answer_was_lost_pays_once_and_counts_as_done()
    {
        var client = await world.NewAccountAsync();
        var agent = await world.NewAccountAsync();
        var budget = await world.OpenBudgetAsync(client, 500);
        var (taskId, unit) = await ReservedAsync(client, budget, agent.Did);
        var agentBefore = (await world.AccountAsync(agent.Did)).Account.Balance;

        // The budget sent the unit, and its answer was lost: the ledger applied it.
        Assert.True((await world.Grains.GetGrain<IOrchestratorGrain>(0).ExecuteAsync([.. unit])).Final);
        var again = await world.Grains.GetGrain<IOrchestratorGrain>(0).ExecuteAsync([.. unit]);
        var settled = await world.Budget(budget).SettleAsync(taskId, [.. unit]);
        var twice = await world.Budget(budget).SettleAsync(taskId, [.. unit]);

        Assert.False(again.Final);
        Assert.True(settled.Closed, settled.Reason);
        Assert.True(twice.Closed, twice.Reason);
        Assert.Equal(agentBefore + 90, (await world.AccountAsync(agent.Did)).Account.Balance);
        Assert.Equal(500L - 91, (await world.BudgetOnLedgerAsync(budget)).Budget!.Remaining);
        var usage = await world.Budget(budget).GetAsync();
        Assert.Equal((0, 1L), (usage.ReservedTasks, usage.SettledTasks));
    }

    [Fact]
    public async Task A_settlement_retried_after_its_budget_was_returned_counts_as_paid_once()
    {
        var client = await world.NewAccountAsync();
        var agent = await world.NewAccountAsync();
        var budget = await world.OpenBudgetAsync(client, 500);
        var (taskId, unit) = await ReservedAsync(client, budget, agent.Did);
        var orchestrator = world.Grains.GetGrain<IOrchestratorGrain>(0);

        // The settle applied but its answer was lost; then the owner closed the budget and its rest was returned.
        Assert.True((await orchestrator.ExecuteAsync([.. unit])).Final);
        Assert.Equal(TxState.Final, (await world.FinalizeAsync(SignedTransaction.Sign(new BudgetClose(client.Did, budget), client, world.Secrets.ChainId))).State);
        Assert.True((await orchestrator.ExecuteAsync([new BudgetReturn(budget)])).Final);
        var agentBefore = (await world.AccountAsync(agent.Did)).Account.Balance;

        var retried = await world.Budget(budget).SettleAsync(taskId, [.. unit]);

        Assert.True(retried.Closed, retried.Reason);
        Assert.True(await world.Grains.GetGrain<ILedgerQueryGrain>(0).IsVoucherSpentAsync(budget, taskId));
        Assert.Equal(agentBefore, (await world.AccountAsync(agent.Did)).Account.Balance);
        var onLedger = (await world.BudgetOnLedgerAsync(budget)).Budget!;
        Assert.Equal((BudgetStatus.Returned, 91L), (onLedger.Status, onLedger.Spent));
        Assert.Equal((0, 1L), ((await world.Budget(budget).GetAsync()).ReservedTasks, (await world.Budget(budget).GetAsync()).SettledTasks));
    }

    [Fact]
    public async Task A_lost_reservation_write_refuses_the_submit_and_the_task_does_not_exist()
    {
        var client = await world.NewAccountAsync();
        await world.EnlistAsync("budget.lost", price: 500);
        var budget = await world.OpenBudgetAsync(client, 500);

        world.BudgetWrites.FailNextBeforeStoring();
        await Assert.ThrowsAnyAsync<Exception>(() => world.SubmitFromBudgetAsync(client, budget, "budget.lost"));
        var (kept, reply) = await world.SubmitFromBudgetAsync(client, budget, "budget.lost");

        Assert.Null(reply.Rejection);
        Assert.NotNull(await world.Task(kept).GetAsync());
        var usage = await world.Budget(budget).GetAsync();
        Assert.Equal((1, 50L), (usage.ReservedTasks, usage.ReservedAmount));
    }

    // A reservation of 100 on the budget for a fresh task id (no task grain), and the settlement paying payee 90 and a fee of 1.
    private async Task<(Hash32 TaskId, ProtocolOp[] Unit)> ReservedAsync(AgentKey client, Hash32 budget, Did payee)
    {
        var taskId = Blake2b.Content(Guid.NewGuid().ToByteArray());
        var signature = new Voucher(budget, taskId, 100).Sign(client, world.Secrets.ChainId);
        var deadline = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds();
        Assert.Null(await world.Budget(budget).ReserveAsync(new ReserveRequest(taskId, client.Did, 100, signature, deadline)));
        return (taskId, [new VoucherSettle(budget, taskId, 100, signature, payee, 90, 1)]);
    }

    private async Task<Budget> WaitReturnedAsync(Hash32 budget)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            // The grain hears the orchestrator's answer a moment after the block is final: both must come.
            var onLedger = (await world.BudgetOnLedgerAsync(budget)).Budget!;
            var known = (await world.Budget(budget).GetAsync()).Returned;
            if (onLedger.Status == BudgetStatus.Returned && known)
            {
                return onLedger;
            }

            Assert.True(DateTimeOffset.UtcNow < until, $"budget {budget} is {onLedger.Status} on the ledger, returned by its grain: {known}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }
}
