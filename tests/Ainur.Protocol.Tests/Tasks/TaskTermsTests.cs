using Ainur.Protocol.Hashing;
using Ainur.Protocol.Tasks;
using CsCheck;
using static Ainur.Protocol.Tests.Tasks.TaskScenario;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary>Task ids and escrow ids, and what submission checks.</summary>
public sealed class TaskTermsTests
{
    private static readonly TaskTerms Terms = TaskWorld.TermsOf(Client, TaskWorld.InputOf(1), 100, TaskWorld.T0.AddHours(1), "salt");

    [Fact]
    public void TaskId_ChangesWithEveryField()
    {
        TaskTerms[] variants =
        [
            Terms,
            Terms with { Client = Alice },
            Terms with { Capability = "text.translate" },
            Terms with { InputHash = Blake2b.Content([1]) },
            Terms with { MaxPrice = 101 },
            Terms with { Deadline = Terms.Deadline + 1 },
            Terms with { Salt = "salt2" },
        ];

        Assert.Equal(variants.Length, variants.Select(t => t.TaskId()).Distinct().Count());
        Assert.Equal(Terms.TaskId(), (Terms with { }).TaskId());
    }

    [Fact]
    public void EscrowIds_DifferFromEachOtherAndFromTheTaskId() =>
        Gen.Select(Gen.Int[0, 1000], Gen.Long[1, long.MaxValue], Gen.String).Sample((input, price, salt) =>
        {
            var id = (Terms with { InputHash = Blake2b.Content(BitConverter.GetBytes(input)), MaxPrice = price, Salt = salt }).TaskId();
            var payment = TaskEscrows.Payment(id);
            var bond = TaskEscrows.DisputeBond(id);

            Assert.Equal(3, new[] { id, payment, bond }.Distinct().Count());
            Assert.Equal(payment, TaskEscrows.Payment(id));
            Assert.NotEqual(payment, TaskEscrows.Payment(TaskEscrows.Payment(id)));
        }, iter: 500);

    [Fact]
    public void Submit_CreatesAPendingTaskWhosePaymentIsLocking()
    {
        var task = new TaskScenario();

        Assert.Equal(Terms.TaskId(), task.Record.Id);
        Assert.Equal(TaskState.Pending, task.Record.State);
        Assert.Equal(HoldState.Locking, task.Record.Payment);
        Assert.Equal(TaskEscrows.Payment(task.Record.Id), task.Record.PaymentEscrow);
        Assert.False(task.Owed.NeedsAgent);
        Assert.Equal(new TaskTransition(1, TaskWorld.T0, null, TaskState.Pending, "submit", Client, null), Assert.Single(task.Record.History));
    }

    [Fact]
    public void Submit_InputNotMatchingItsHash_PastDeadlineOrNoPrice_IsInvalid()
    {
        var input = TaskWorld.InputOf(1);
        SubmitTask[] invalid =
        [
            new(Terms, TaskWorld.InputOf(2), []),
            new(Terms with { Deadline = TaskWorld.T0.ToUnixTimeMilliseconds() }, input, []),
            new(Terms with { MaxPrice = 0 }, input, []),
        ];

        foreach (var submit in invalid)
        {
            var decision = TaskMachine.Decide(null, submit, TaskWorld.T0, DefaultPolicy);
            Assert.Equal(TaskRejectionKind.Invalid, decision.Rejection?.Kind);
            Assert.Null(decision.Next);
        }
    }

    [Fact]
    public void Submit_OtherTermsOverAnExistingTask_IsConflict()
    {
        var task = new TaskScenario();

        Assert.Equal(TaskRejectionKind.Conflict, task.Refused(task.World.Submit() with { Terms = Terms with { Salt = "other" } }));
    }
}
