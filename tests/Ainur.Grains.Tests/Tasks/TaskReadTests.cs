using Ainur.Grains.Tests.Reputation;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tests.Tasks;

/// <summary>
/// Readers see a task only as storage holds it. Reads interleave with the task's writes (they are AlwaysInterleave,
/// and the task's own background work writes outside any call), so a change still being written must not be shown:
/// if that write is lost, or the node dies first, the change is decided again, and what a reader was shown would be
/// taken back (a transition at another time, an assignment to another agent).
/// </summary>
[Collection(TaskWorldCollection.Name)]
public sealed class TaskReadTests(TaskWorld world)
{
    [Fact]
    public async Task A_change_still_being_written_is_not_shown_so_a_lost_write_takes_back_nothing_a_reader_saw()
    {
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("read.stored", price: 5)).Did).Start();
        WriteHold? hold = null;
        var (id, _) = await world.SubmitAsync(client, "read.stored", """{"text":"hold"}""", maxPrice: 5,
            beforeSubmit: taskId => hold = world.TaskWrites.HoldWriteOf(taskId.ToString(), skip: 1));

        // The submission was written; the next write (the lock final on the ledger) is the task's background work.
        TaskRecord? shown, waited;
        try
        {
            await hold!.Reached.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            shown = await world.Task(id).GetAsync();
            waited = await world.Task(id).WaitForChangeAsync(1, TimeSpan.Zero);
        }
        finally
        {
            hold?.Lose();
        }

        Assert.Equal(HoldState.Locking, shown!.Payment);
        Assert.Single(shown.History);
        Assert.Single(waited!.History);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);
        Assert.Equal(shown.History, settled.History[..shown.History.Length]);
    }
}
