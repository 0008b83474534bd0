using System.Text;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tests.Tasks;

/// <summary>
/// An agent's start tells nobody and loses nothing if lost, so it shares the write of what follows it (issue 10: at most
/// six durable writes per settled task); readers go on seeing the written record until then.
/// </summary>
[Collection(TaskWorldCollection.Name)]
public sealed class DeferredStartTests(TaskWorld world)
{
    [Fact]
    public async Task Start_ThenResult_ShareOneWrite_AndReadersSeeTheStartOnlyOnceWritten()
    {
        var (id, agent, item) = await TakenTaskAsync("deferred.shared");
        var writes = world.TaskWrites.StoredWritesOf(id.ToString());

        var started = await world.Task(id).ExecuteAsync(new StartTask(agent, item.Attempt));

        Assert.Equal(TaskState.Executing, started.Task!.State);
        Assert.Equal(TaskState.Assigned, (await world.Task(id).GetAsync())!.State);
        Assert.Equal(writes, world.TaskWrites.StoredWritesOf(id.ToString()));

        var output = item.Input;
        var posted = await world.Task(id).ExecuteAsync(new PostResult(agent, item.Attempt, output, Blake2b.Content(Encoding.UTF8.GetBytes(output))));

        Assert.Null(posted.Rejection);
        Assert.Equal(writes + 1, world.TaskWrites.StoredWritesOf(id.ToString()));
        var shown = (await world.Task(id).GetAsync())!;
        Assert.Equal([TaskState.Executing, TaskState.Verifying], shown.History[^2..].Select(t => t.To));
    }

    [Fact]
    public async Task Start_WithNothingAfterIt_IsWrittenOnItsOwnAfterTheDelay()
    {
        var (id, agent, item) = await TakenTaskAsync("deferred.alone");
        var writes = world.TaskWrites.StoredWritesOf(id.ToString());

        await world.Task(id).ExecuteAsync(new StartTask(agent, item.Attempt));
        var shown = await world.WaitForAsync(id, t => t.State == TaskState.Executing);

        Assert.Equal(TaskState.Executing, shown.History[^1].To);
        Assert.Equal(writes + 1, world.TaskWrites.StoredWritesOf(id.ToString()));
    }

    [Fact]
    public async Task Start_OfAGrainDeactivatedBeforeTheDelay_IsWrittenOnTheWayOut()
    {
        var (id, agent, item) = await TakenTaskAsync("deferred.deactivated");

        await world.Task(id).ExecuteAsync(new StartTask(agent, item.Attempt));
        await world.Cluster.DeactivateAsync(world.Task(id));
        var shown = await world.WaitForAsync(id, t => t.State == TaskState.Executing, TimeSpan.FromSeconds(1.5));

        Assert.Equal(TaskState.Executing, shown.State);
    }

    private async Task<(Hash32 Id, Protocol.Identity.Did Agent, FeedItem Item)> TakenTaskAsync(string capability)
    {
        var client = await world.NewAccountAsync();
        var agent = (await world.EnlistAsync(capability, price: 5)).Did;
        var (id, reply) = await world.SubmitAsync(client, capability, """{"text":"later"}""", maxPrice: 5);
        Assert.Null(reply.Rejection);
        var feed = world.Grains.GetGrain<IAgentFeedGrain>(agent.Value);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var item in await feed.NextAsync(1, TimeSpan.FromSeconds(1)))
            {
                if (item.TaskId == id && item.Kind == FeedKind.Execute)
                {
                    return (id, agent, item);
                }
            }
        }

        throw new TimeoutException($"task {id} was never offered to its agent");
    }
}
