using Ainur.Grains.Interfaces.Reputation;
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
}
