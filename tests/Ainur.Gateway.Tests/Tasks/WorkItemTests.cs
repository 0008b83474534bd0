namespace Ainur.Gateway.Tests.Tasks;

/// <summary>What an agent is handed to execute says what its capability declared.</summary>
[Collection(TaskNodeCollection.Name)]
public sealed class WorkItemTests(TaskNodeFixture fixture)
{
    private readonly TaskClient _tasks = new(fixture.Gateway);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExecuteItem_SaysWhetherTheCapabilityIsDeterministic(bool deterministic)
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability, deterministic: deterministic);
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability);
        await _tasks.SubmitAsync(draft);

        var item = await _tasks.NextAsync(agent);

        Assert.Equal(("execute", draft.Id.ToString()), (item.GetProperty("kind").GetString(), item.GetProperty("taskId").GetString()));
        Assert.Equal(deterministic, item.GetProperty("deterministic").GetBoolean());
    }
}
