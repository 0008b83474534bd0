using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Tests.Reputation;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tests.Tasks;

/// <summary>
/// The task's hot path under storage faults: a write lost before it is stored (nobody is told of the change, and the
/// task goes on from what storage holds), a write stored whose answer is lost (the caller retries: the same answer,
/// nothing twice), and a settlement done again after its write was lost (the ledger pays once).
/// </summary>
[Collection(TaskWorldCollection.Name)]
public sealed class TaskWriteFaultTests(TaskWorld world)
{
    [Fact]
    public async Task A_lost_write_of_an_accept_is_not_answered_nor_shown_and_the_task_still_settles_once()
    {
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("fault.accept", price: 30)).Did).Start();
        var agentBefore = (await world.AccountAsync(agent.Agent)).Account.Balance;
        var (id, _) = await world.SubmitAsync(client, "fault.accept", """{"text":"lost"}""", maxPrice: 30);
        var verifying = await world.WaitForAsync(id, t => t.State == TaskState.Verifying);

        var hold = world.TaskWrites.HoldWriteOf(id.ToString());
        var accept = world.Task(id).ExecuteAsync(new AcceptResult(client.Did));
        await hold.Reached.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var shown = await world.Task(id).GetAsync();
        hold.Lose();

        await Assert.ThrowsAnyAsync<Exception>(() => accept);
        Assert.Equal(verifying.History, shown!.History);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);
        Assert.Equal(verifying.History, settled.History[..verifying.History.Length]);
        Assert.Single(settled.History, t => t.To == TaskState.Complete && t.From != t.To);
        Assert.Equal(agentBefore + 30 - world.Policy.FeeOn(30), (await world.AccountAsync(agent.Agent)).Account.Balance);
        Assert.Single((await world.ClosingOperationsAsync([settled.PaymentEscrow])).OfType<EscrowRelease>(), r => r.EscrowId == settled.PaymentEscrow);
    }

    [Fact]
    public async Task A_submit_whose_answer_was_lost_is_retried_with_the_same_answer_and_the_task_runs_once()
    {
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("fault.submit", price: 20)).Did).Start();
        var clientBefore = (await world.AccountAsync(client.Did)).Account.Balance;
        WriteHold? hold = null;
        var id = default(Ainur.Protocol.Hashing.Hash32);
        var first = world.SubmitAsync(client, "fault.submit", """{"text":"again"}""", maxPrice: 20, beforeSubmit: taskId =>
        {
            id = taskId;
            hold = world.TaskWrites.HoldWriteOf(taskId.ToString());
        });
        while (Volatile.Read(ref hold) is null)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        await hold!.Reached.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        hold!.StoreAndLoseAnswer();
        await Assert.ThrowsAnyAsync<Exception>(() => first);

        // The client sends the same request again: the task exists with these terms, so it answers as accepted.
        var stored = (await world.Task(id).GetAsync())!;
        var retry = await world.Task(stored.Id).SubmitAsync(new SubmitTask(stored.Terms, stored.Input, stored.Schemas), world.PaymentLock(client, stored.Terms));
        Assert.Null(retry.Rejection);
        Assert.Equal(stored.History, retry.Task!.History[..stored.History.Length]);

        var settled = await world.WaitForAsync(stored.Id, t => t.State == TaskState.Settled && t.IsClosed);
        Assert.Single(settled.History, t => t.To == TaskState.Pending && t.From is null);
        Assert.Equal(1, agent.Executed);
        Assert.Equal(clientBefore - 20, (await world.AccountAsync(client.Did)).Account.Balance);
    }

    [Fact]
    public async Task A_lost_answer_of_the_assignment_write_is_read_back_and_the_agent_is_still_offered_the_task()
    {
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("fault.assign", price: 20)).Did).Start();
        WriteHold? hold = null;
        var (id, reply) = await world.SubmitAsync(client, "fault.assign", """{"text":"assign"}""", maxPrice: 20,
            beforeSubmit: taskId => hold = world.TaskWrites.HoldWriteOf(taskId.ToString(), skip: 1));
        Assert.Null(reply.Rejection);

        // The task's own next write (its payment locked, with the agent assigned when one was free) is stored, its answer lost.
        await hold!.Reached.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        hold.StoreAndLoseAnswer();

        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);
        Assert.Equal(agent.Agent, settled.Agent);
        Assert.Equal(1, settled.Attempt);
        Assert.Single(settled.History, t => t.Cause == "payment-locked");
    }

    [Fact]
    public async Task A_settlement_done_again_after_its_write_was_lost_pays_the_agent_and_counts_its_report_once()
    {
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("fault.settle", price: 40)).Did).Start();
        var agentBefore = (await world.AccountAsync(agent.Agent)).Account.Balance;
        var (id, _) = await world.SubmitAsync(client, "fault.settle", """{"text":"twice"}""", maxPrice: 40);
        await world.WaitForAsync(id, t => t.State == TaskState.Verifying);

        // The accept's write goes through; the next one (settled, with the report acknowledged) is lost after the ledger
        // closed the escrow and the reputation counted the report: both are asked again.
        var hold = world.TaskWrites.HoldWriteOf(id.ToString(), skip: 1);
        var accepted = await world.Task(id).ExecuteAsync(new AcceptResult(client.Did));
        Assert.Null(accepted.Rejection);
        await hold.Reached.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(TaskState.Complete, (await world.Task(id).GetAsync())!.State);
        hold.Lose();

        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);
        Assert.Single(settled.History, t => t.To == TaskState.Settled);
        Assert.Equal(agentBefore + 40 - world.Policy.FeeOn(40), (await world.AccountAsync(agent.Agent)).Account.Balance);
        Assert.Single((await world.ClosingOperationsAsync([settled.PaymentEscrow])).OfType<EscrowRelease>(), r => r.EscrowId == settled.PaymentEscrow);
        Assert.Equal(1, (await world.Grains.GetGrain<IReputationGrain>(agent.Agent.Value).GetAsync()).Completed);
    }
}
