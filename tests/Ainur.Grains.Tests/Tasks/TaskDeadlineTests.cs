using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tests.Tasks;

/// <summary>
/// A task world whose timers fire early (<see cref="EarlyTimers"/>, by 300 ms) and whose reminders, the backstop that
/// re-activates tasks after a restart, are half a minute apart: a deadline on time here was kept by its timer.
/// </summary>
public sealed class EarlyTimersWorld() : TaskWorld(new EarlyTimers(TimeSpan.FromMilliseconds(300)), TimeSpan.FromSeconds(30));

/// <summary>Every deadline of a task acts within a second of its time, though the timers behind them fire early.</summary>
public sealed class TaskDeadlineTests(EarlyTimersWorld world) : IClassFixture<EarlyTimersWorld>
{
    private static readonly TimeSpan OnTime = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_silent_clients_challenge_window_ends_in_completion_within_a_second()
    {
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("deadline.window", price: 5)).Did).Start();
        var (id, _) = await world.SubmitAsync(client, "deadline.window", """{"text":"quiet"}""", maxPrice: 5);

        var complete = await world.WaitForAsync(id, t => t.State is TaskState.Complete or TaskState.Settled);

        AssertOnTime(complete.Result!.WindowEndsAt, Assert.Single(complete.History, t => t.From == TaskState.Verifying && t.To == TaskState.Complete));
    }

    [Fact]
    public async Task An_attempt_without_a_result_times_out_within_a_second_of_its_deadline()
    {
        var client = await world.NewAccountAsync();
        await using var agent = new AgentLoop(world, (await world.EnlistAsync("deadline.execution", price: 5)).Did) { Behaviour = _ => AgentBehaviour.Vanish }.Start();
        var (id, _) = await world.SubmitAsync(client, "deadline.execution", """{"text":"lost"}""", maxPrice: 5);
        var executing = await world.WaitForAsync(id, t => t.State == TaskState.Executing);

        var requeued = await world.WaitForAsync(id, t => t.History.Any(h => h.From == TaskState.Executing && h.To == TaskState.Pending));

        AssertOnTime(executing.AttemptDeadline!.Value, requeued.History.Single(h => h.From == TaskState.Executing && h.To == TaskState.Pending));
    }

    [Fact]
    public async Task A_task_nobody_takes_fails_within_a_second_of_the_clients_deadline()
    {
        var client = await world.NewAccountAsync();
        var (id, _) = await world.SubmitAsync(client, "deadline.nobody", """{"text":"alone"}""", maxPrice: 5, deadline: TimeSpan.FromSeconds(3));

        var failed = await world.WaitForAsync(id, t => t.State == TaskState.Failed);

        AssertOnTime(failed.Terms.DeadlineAt, Assert.Single(failed.History, t => t.To == TaskState.Failed));
    }

    private static void AssertOnTime(DateTimeOffset due, TaskTransition transition)
    {
        Assert.Equal("deadline", transition.Cause);
        var late = transition.At - due;
        TestContext.Current.SendDiagnosticMessage($"{transition.From} -> {transition.To}: {late.TotalMilliseconds:F1} ms after its deadline");
        Assert.True(late >= TimeSpan.Zero && late < OnTime, $"{transition.From} -> {transition.To} came {late.TotalMilliseconds:F0} ms after its deadline");
    }
}
