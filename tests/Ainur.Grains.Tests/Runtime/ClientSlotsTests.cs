using Ainur.Grains.Runtime;

namespace Ainur.Grains.Tests.Runtime;

/// <summary>One client's executions at once are bounded per silo; other clients' executions are not held up by them.</summary>
public sealed class ClientSlotsTests
{
    [Fact]
    public async Task A_client_at_its_bound_waits_behind_its_own_while_another_client_enters()
    {
        var slots = new ClientSlots(2);
        var first = await slots.EnterAsync("did:key:a");
        var second = await slots.EnterAsync("did:key:a");

        var third = slots.EnterAsync("did:key:a");
        var other = slots.EnterAsync("did:key:b");

        Assert.True(other.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);
        first.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Dispose();
        second.Dispose();
        (await other).Dispose();
        Assert.Equal(0, slots.Clients);
    }

    [Fact]
    public async Task Requests_outside_any_task_are_not_bounded()
    {
        var slots = new ClientSlots(1);
        var held = Enumerable.Range(0, 10).Select(_ => slots.EnterAsync(null)).ToList();

        Assert.All(held, h => Assert.True(h.IsCompletedSuccessfully));
        foreach (var h in held)
        {
            (await h).Dispose();
        }

        Assert.Equal(0, slots.Clients);
    }

    [Fact]
    public void The_default_bound_is_half_the_silos_slots_and_at_least_one()
    {
        Assert.Equal(4, new WasmSettings { Concurrency = 8 }.PerClient);
        Assert.Equal(1, new WasmSettings { Concurrency = 1 }.PerClient);
        Assert.Equal(3, new WasmSettings { Concurrency = 8, ClientConcurrency = 3 }.PerClient);
        Assert.NotEmpty(new WasmSettings { ClientConcurrency = 0 }.Validate());
    }
}
