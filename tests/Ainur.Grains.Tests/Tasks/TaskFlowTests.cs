using System.Text;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
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
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("flow.accept", price: 300)).Did).Start();
        var clientBefore = (await world.AccountAsync(client.Did)).Account.Balance;
        var agentBefore = (await world.AccountAsync(agent.Agent)).Account.Balance;
        var (id, reply) = await world.SubmitAsync(client, "flow.accept", """{"text":"hello"}""", maxPrice: 500);
        Assert.Null(reply.Rejection);

        var verifying = await world.WaitForAsync(id, t => t.State == TaskState.Verifying);
        Assert.Equal(agent.Agent, verifying.Agent);
        Assert.Null((await world.Task(id).ExecuteAsync(new AcceptResult(client.Did))).Rejection);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        Assert.Equal(HoldState.Released, settled.Payment);
        Assert.Equal(clientBefore - 300, (await world.AccountAsync(client.Did)).Account.Balance);
        Assert.Equal(agentBefore + 300 - 3, (await world.AccountAsync(agent.Agent)).Account.Balance);
        var release = Assert.Single((await world.ClosingOperationsAsync([settled.PaymentEscrow])).OfType<EscrowRelease>(), r => r.EscrowId == settled.PaymentEscrow);
        Assert.Equal((agent.Agent, 297L, 3L), (release.Payee, release.PayeeAmount, release.Fee));
        Assert.Equal([TaskState.Pending, TaskState.Assigned, TaskState.Executing, TaskState.Verifying, TaskState.Complete, TaskState.Settled],
            settled.History.Where(t => t.From != t.To).Select(t => t.To));
        var reputation = await world.Grains.GetGrain<IReputationGrain>(agent.Agent.Value).GetAsync();
        Assert.Equal(1, reputation.Completed);
    }

    [Fact]
    public async Task A_silent_client_pays_the_agent_when_the_challenge_window_ends()
    {
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("flow.silent", price: 20)).Did).Start();
        var clientBefore = (await world.AccountAsync(client.Did)).Account.Balance;
        var (id, _) = await world.SubmitAsync(client, "flow.silent", """{"text":"quiet"}""", maxPrice: 20);

        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        var complete = Assert.Single(settled.History, t => t.To == TaskState.Complete && t.From == TaskState.Verifying);
        Assert.Equal("deadline", complete.Cause);
        Assert.Null(complete.Actor);
        Assert.True(complete.At >= settled.Result!.WindowEndsAt);
        Assert.Equal(clientBefore - 20, (await world.AccountAsync(client.Did)).Account.Balance);
    }

    [Fact]
    public async Task A_task_whose_agent_vanishes_mid_task_is_requeued_and_done_by_another()
    {
        var client = await world.NewAccountAsync();
        await using var crashed = new AgentLoop(world, (await world.EnlistAsync("flow.requeue", price: 5)).Did) { Behaviour = _ => AgentBehaviour.Vanish }.Start();
        var (id, _) = await world.SubmitAsync(client, "flow.requeue", """{"text":"again"}""", maxPrice: 10);
        await world.WaitForAsync(id, t => t.State == TaskState.Executing);
        await using var healthy = new AgentLoop(world, (await world.EnlistAsync("flow.requeue", price: 5)).Did).Start();

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
        const string capability = "flow.dispute-lost";
        var client = await world.NewAccountAsync();
        // Everyone enlists before the task exists: the challenge window (1 s) is too short to enlist verifiers in. The
        // agent assigned does the work and the other three are appointed to judge; one of the four would dissent.
        var agents = (await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => world.EnlistAsync(capability, price: 40)))).Select(a => a.Did).ToList();
        var loops = agents.Select((agent, i) => new AgentLoop(world, agent) { Verdicts = _ => i != 0 }.Start()).ToList();
        try
        {
            var clientBefore = (await world.AccountAsync(client.Did)).Account.Balance;
            var (id, _) = await world.SubmitAsync(client, capability, """{"text":"fine"}""", maxPrice: 40);
            var worker = (await world.WaitForAsync(id, t => t.State == TaskState.Verifying)).Agent!.Value;
            var before = await BalancesAsync(agents);

            Assert.Null((await world.DisputeAsync(client, id)).Rejection);
            var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

            Assert.Equal(DisputeResolution.AgentWins, settled.Dispute!.Resolution);
            Assert.Equal(HoldState.Released, settled.Bond);
            var paidJudges = settled.Dispute.Verdicts.Length;
            Assert.True(paidJudges >= 2);
            var after = await BalancesAsync(agents);
            Assert.Equal(clientBefore - 40 - world.Policy.DisputeBond, (await world.AccountAsync(client.Did)).Account.Balance);
            Assert.Equal(before[worker] + 40 + world.Policy.DisputeBond - paidJudges * world.Policy.VerifierFee, after[worker]);
            var judges = agents.Where(a => a != worker).ToList();
            Assert.Equal(paidJudges * world.Policy.VerifierFee, judges.Sum(j => after[j] - before[j]));
        }
        finally
        {
            foreach (var loop in loops)
            {
                await loop.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Only_staked_registered_agents_are_assigned_and_a_deregistered_agents_task_in_flight_still_finishes()
    {
        const string capability = "flow.deregister";
        var client = await world.NewAccountAsync();
        var leaving = (await world.EnlistAsync(capability, price: 5)).Did;
        var (first, _) = await world.SubmitAsync(client, capability, """{"text":"in flight"}""", maxPrice: 5);
        var offered = Assert.Single(await world.Grains.GetGrain<IAgentFeedGrain>(leaving.Value).NextAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal(first, offered.TaskId);
        Assert.Null((await world.Task(first).ExecuteAsync(new StartTask(leaving, offered.Attempt))).Rejection);

        Assert.Null((await world.Grains.GetGrain<IAgentGrain>(leaving.Value).DeregisterAsync(leaving, TestContext.Current.CancellationToken)).Rejection);
        var output = AgentLoop.Output(offered.Input);
        Assert.Null((await world.Task(first).ExecuteAsync(new PostResult(leaving, offered.Attempt, output, Blake2b.Content(Encoding.UTF8.GetBytes(output))))).Rejection);
        Assert.Null((await world.Task(first).ExecuteAsync(new AcceptResult(client.Did))).Rejection);
        Assert.Equal(leaving, (await world.WaitForAsync(first, t => t.State == TaskState.Settled && t.IsClosed)).Agent);

        // A registered agent without stake, beside the deregistered one: the next task finds nobody to take it. Several
        // assignment retries (one per RetryDelay, 1 s) pass before the check, so "still pending" means "refused".
        var unstaked = await world.EnlistAsync(capability, price: 5, stake: 0);
        var (second, _) = await world.SubmitAsync(client, capability, """{"text":"nobody"}""", maxPrice: 5);
        await world.WaitForAsync(second, t => t.Payment == HoldState.Locked);
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
        var waiting = await world.Task(second).GetAsync();
        Assert.Equal((TaskState.Pending, 0), (waiting!.State, waiting.Attempt));

        // Once it holds the minimum stake, it is assigned.
        await world.StakeAsync(unstaked, world.Policy.MinStake);
        await using var loop = new AgentLoop(world, unstaked.Did).Start();
        var verifying = await world.WaitForAsync(second, t => t.State == TaskState.Verifying);
        Assert.Equal(unstaked.Did, verifying.Agent);
        Assert.Null((await world.Task(second).ExecuteAsync(new AcceptResult(client.Did))).Rejection);
        await world.WaitForAsync(second, t => t.State == TaskState.Settled && t.IsClosed);
    }

    private async Task<Dictionary<Did, long>> BalancesAsync(IEnumerable<Did> accounts)
    {
        var balances = new Dictionary<Did, long>();
        foreach (var account in accounts)
        {
            balances[account] = (await world.AccountAsync(account)).Account.Balance;
        }

        return balances;
    }
}
