using System.Collections.Concurrent;
using Ainur.Protocol.Tasks;
using CsCheck;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary>
/// Properties of the task state machine over random worlds and random command sequences (CsCheck prints the seed of a
/// failing case and shrinks it; rerun it with <c>CsCheck_Seed=&lt;seed&gt;</c> in the environment, selecting the test
/// with <c>-method</c>). <see cref="TaskMonitor"/> checks every decision.
/// </summary>
public sealed class TaskMachinePropertyTests
{
    [Fact]
    public void RandomCommands_FromAnyCaller_NeverBreakTheRules()
    {
        var seen = new ConcurrentDictionary<(TaskState? From, TaskState To, TaskActor By), int>();
        Gen.Select(TaskWorld.Worlds, TaskSteps.Steps.Array[1, 150]).Sample((world, steps) =>
        {
            Assert.Empty(world.Policy.Validate());
            var monitor = new TaskMonitor(world) { Seen = seen };
            Run(monitor, world, steps);
            monitor.Finish();
        }, iter: 10_000);

        // A run that never reached some transition would prove nothing about it. (A replayed seed runs too little to cover all.)
        if (Environment.GetEnvironmentVariable("CsCheck_Seed") is null)
        {
            var missed = TaskTransitions.All.Where(t => !seen.ContainsKey(t)).ToList();
            Assert.True(missed.Count == 0, $"never reached: {string.Join(", ", missed)}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', seen.OrderBy(p => p.Value).Select(p => $"{p.Key}: {p.Value}")));
    }

    [Fact]
    public void AnyInterleaving_ThenAFairWorld_EveryTaskEndsClosedWithItsMoneyBack()
    {
        var endings = new ConcurrentDictionary<string, int>();
        var slowest = 0;
        Gen.Select(TaskWorld.Worlds, TaskSteps.Steps.Array[0, 80], Gen.Int).Sample((world, prefix, seed) =>
        {
            var monitor = new TaskMonitor(world);
            Run(monitor, world, prefix);
            var steps = FairEnvironment.Run(monitor, world, new Random(seed));
            InterlockedMax(ref slowest, steps);

            var record = monitor.Record!;
            monitor.That(record.State.IsTerminal() && record.IsClosed, "the task ends terminal and closed");
            monitor.That(record.State switch
            {
                TaskState.Settled => record.Payment == HoldState.Released,
                _ => record.Payment is HoldState.Refunded or HoldState.Expired,
            }, "a settled task's payment is released; a cancelled or failed one's is refunded or was never locked and expired");
            monitor.That(record.Bond is HoldState.None or HoldState.Expired or HoldState.Released or HoldState.Refunded, "no bond is left held or open to a relay");
            monitor.Finish();
            endings.AddOrUpdate($"{record.State} after {record.Attempt} attempt(s){(record.Dispute?.Resolution is { } r ? $", dispute {r}" : string.Empty)}", 1, (_, n) => n + 1);
        }, iter: 10_000);

        // Every way a task can end must have happened, or the property says little about it.
        if (Environment.GetEnvironmentVariable("CsCheck_Seed") is null)
        {
            foreach (var ending in new[] { "Settled", "Cancelled", "Failed", "AgentWins", "ClientWins", "Undecided", "Void" })
            {
                Assert.Contains(endings.Keys, k => k.Contains(ending, StringComparison.Ordinal));
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"at most {slowest} fair steps to close; endings:\n"
            + string.Join('\n', endings.OrderByDescending(p => p.Value).Select(p => $"{p.Key}: {p.Value}")));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }

    private static void Run(TaskMonitor monitor, TaskWorld world, TaskStep[] steps)
    {
        monitor.That(!monitor.Apply(world.Submit(), world.Start).IsRejected, "the world's task is submitted");
        TaskCommand? last = null;
        foreach (var step in steps)
        {
            var command = TaskSteps.Materialize(step, monitor.Record!, world, last);
            monitor.Apply(command, monitor.Now + step.Delay);
            last = command;
        }
    }
}
