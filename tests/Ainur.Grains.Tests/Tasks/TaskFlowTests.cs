using System.Text;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tests.Tasks;

[CollectionDefinition(Name)]
public sealed class TaskWorldCollection : ICollectionFixture<TaskWorld>
{
    public const string Name = nameof(TaskWorldCollection);
}

/// <summary>The task flow end to end on a real cluster and ledger: each test uses its own client and agents.</summary>
[Collection(TaskWorldCollection.Name)]
public sealed class TaskFlowTests(TaskWorld world)
{
    [Fact]
    public async Task An_accepted_result_pays_the_agent_its_price_less_the_fee_and_returns_the_rest_to_the_client()
    {
        var client = world.Account("client0");
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("agent0", "flow.accept", price: 300)).Did).Start();
        var (id, reply) = await world.SubmitAsync(client, "flow.accept", """{"text":"hello"}""", maxPrice: 500);
        Assert.Null(reply.Rejection);

        var verifying = await world.WaitForAsync(id, t => t.State == TaskState.Verifying);
        Assert.Equal(agent.Agent, verifying.Agent);
        Assert.Null((await world.Task(id).ExecuteAsync(new AcceptResult(client.Did))).Rejection);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        Assert.Equal(HoldState.Released, settled.Payment);
        Assert.Equal(TaskWorld.Funds - 300, (await world.AccountAsync(client.Did)).Account.Balance);
        Assert.Equal(TaskWorld.Funds - 100 + 300 - 3, (await world.AccountAsync(agent.Agent)).Account.Balance);
        Assert.Equal(3, (await world.AccountAsync(world.Account("treasury").Did)).Account.Balance);
        Assert.Equal([TaskState.Pending, TaskState.Assigned, TaskState.Executing, TaskState.Verifying, TaskState.Complete, TaskState.Settled],
            settled.History.Where(t => t.From != t.To).Select(t => t.To));
        var reputation = await world.Grains.GetGrain<IReputationGrain>(agent.Agent.Value).GetAsync();
        Assert.Equal(1, reputation.Completed);
    }

    [Fact]
    public async Task A_silent_client_pays_the_agent_when_the_challenge_window_ends()
    {
        var client = world.Account("client1");
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("agent1", "flow.silent", price: 20)).Did).Start();
        var (id, _) = await world.SubmitAsync(client, "flow.silent", """{"text":"quiet"}""", maxPrice: 20);

        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        var complete = Assert.Single(settled.History, t => t.To == TaskState.Complete && t.From == TaskState.Verifying);
        Assert.Equal("deadline", complete.Cause);
        Assert.Null(complete.Actor);
        Assert.True(complete.At >= settled.Result!.WindowEndsAt);
        Assert.Equal(TaskWorld.Funds - 20, (await world.AccountAsync(client.Did)).Account.Balance);
    }

    [Fact]
    public async Task A_task_whose_agent_vanishes_mid_task_is_requeued_and_done_by_another()
    {
        var client = world.Account("client2");
        await using var crashed = new AgentLoop(world, (await world.EnlistAsync("agent2", "flow.requeue", price: 5)).Did) { Behaviour = _ => AgentBehaviour.Vanish }.Start();
        var (id, _) = await world.SubmitAsync(client, "flow.requeue", """{"text":"again"}""", maxPrice: 10);
        await world.WaitForAsync(id, t => t.State == TaskState.Executing);
        await using var healthy = new AgentLoop(world, (await world.EnlistAsync("agent3", "flow.requeue", price: 5)).Did).Start();

        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        Assert.Equal(healthy.Agent, settled.Agent);
        Assert.Equal(2, settled.Attempt);
        Assert.Equal([crashed.Agent], settled.FailedAgents);
        Assert.Contains(settled.History, t => t.From == TaskState.Executing && t.To == TaskState.Pending && t.Cause == "deadline");
        Assert.Equal(1, (await world.Grains.GetGrain<IReputationGrain>(crashed.Agent.Value).GetAsync()).Failed);
        Assert.Equal(1, (await world.Grains.GetGrain<IReputationGrain>(healthy.Agent.Value).GetAsync()).Completed);
    }

    [Fact]
    public async Task A_dispute_the_verifiers_uphold_pays_the_agent_and_splits_the_bond_between_agent_and_verifiers()
    {
        var client = world.Account("client3");
        await using var worker = new AgentLoop(world, (await world.EnlistAsync("agent4", "flow.dispute-lost", price: 40)).Did).Start();
        var (id, _) = await world.SubmitAsync(client, "flow.dispute-lost", """{"text":"fine"}""", maxPrice: 40);
        await world.WaitForAsync(id, t => t.State == TaskState.Verifying);
        var workerBefore = (await world.AccountAsync(worker.Agent)).Account.Balance;
        await using var judge1 = new AgentLoop(world, (await world.EnlistAsync("agent5", "flow.dispute-lost")).Did) { Verdicts = _ => true }.Start();
        await using var judge2 = new AgentLoop(world, (await world.EnlistAsync("agent6", "flow.dispute-lost")).Did) { Verdicts = _ => true }.Start();
        await using var judge3 = new AgentLoop(world, (await world.EnlistAsync("agent7", "flow.dispute-lost")).Did) { Verdicts = _ => false }.Start();
        var judgesBefore = await Task.WhenAll(new[] { judge1, judge2, judge3 }.Select(j => world.AccountAsync(j.Agent)));

        Assert.Null((await world.DisputeAsync(client, id)).Rejection);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        Assert.Equal(DisputeResolution.AgentWins, settled.Dispute!.Resolution);
        Assert.Equal(HoldState.Released, settled.Bond);
        var paidJudges = settled.Dispute.Verdicts.Length;
        Assert.True(paidJudges >= 2);
        Assert.Equal(TaskWorld.Funds - 40 - world.Policy.DisputeBond, (await world.AccountAsync(client.Did)).Account.Balance);
        Assert.Equal(workerBefore + 40 + world.Policy.DisputeBond - paidJudges * world.Policy.VerifierFee, (await world.AccountAsync(worker.Agent)).Account.Balance);
        var judgesAfter = await Task.WhenAll(new[] { judge1, judge2, judge3 }.Select(j => world.AccountAsync(j.Agent)));
        Assert.Equal(paidJudges * world.Policy.VerifierFee, judgesAfter.Sum(a => a.Account.Balance) - judgesBefore.Sum(a => a.Account.Balance));
    }

    [Fact]
    public async Task Only_staked_registered_agents_are_assigned_and_a_deregistered_agents_task_in_flight_still_finishes()
    {
        const string capability = "flow.deregister";
        var client = world.Account("client9");
        var leaving = (await world.EnlistAsync("agent9", capability, price: 5)).Did;
        var (first, _) = await world.SubmitAsync(client, capability, """{"text":"in flight"}""", maxPrice: 5);
        var offered = await world.Grains.GetGrain<IAgentFeedGrain>(leaving.Value).NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(first, offered!.TaskId);
        Assert.Null((await world.Task(first).ExecuteAsync(new StartTask(leaving, offered.Attempt))).Rejection);

        Assert.Null((await world.Grains.GetGrain<IAgentGrain>(leaving.Value).DeregisterAsync(leaving, TestContext.Current.CancellationToken)).Rejection);
        var output = AgentLoop.Output(offered.Input);
        Assert.Null((await world.Task(first).ExecuteAsync(new PostResult(leaving, offered.Attempt, output, Blake2b.Content(Encoding.UTF8.GetBytes(output))))).Rejection);
        Assert.Null((await world.Task(first).ExecuteAsync(new AcceptResult(client.Did))).Rejection);
        Assert.Equal(leaving, (await world.WaitForAsync(first, t => t.State == TaskState.Settled && t.IsClosed)).Agent);

        // A registered agent without stake, beside the deregistered one: the next task finds nobody to take it. Several
        // assignment retries (one per RetryDelay, 1 s) pass before the check, so "still pending" means "refused".
        var unstaked = (await world.EnlistAsync("agent10", capability, price: 5, stake: 0)).Did;
        var (second, _) = await world.SubmitAsync(client, capability, """{"text":"nobody"}""", maxPrice: 5);
        await world.WaitForAsync(second, t => t.Payment == HoldState.Locked);
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
        var waiting = await world.Task(second).GetAsync();
        Assert.Equal((TaskState.Pending, 0), (waiting!.State, waiting.Attempt));

        // Once it holds the minimum stake, it is assigned.
        await world.StakeAsync(world.Account("agent10"), world.Policy.MinStake);
        await using var loop = new AgentLoop(world, unstaked).Start();
        var settled = await world.WaitForAsync(second, t => t.State == TaskState.Verifying);
        Assert.Equal(unstaked, settled.Agent);
    }
}
