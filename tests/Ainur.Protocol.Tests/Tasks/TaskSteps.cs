using System.Collections.Immutable;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Tasks;
using CsCheck;

namespace Ainur.Protocol.Tests.Tasks;

internal enum StepKind
{
    Hold,
    Assign,
    Start,
    Post,
    Fail,
    Accept,
    Dispute,
    Appoint,
    Verdict,
    Cancel,
    Tick,
    Acknowledge,
    Resubmit,
    Repeat,

    /// <summary>The node's own command for a hosted attempt: start, a verified result, a failure, a non-deterministic module.</summary>
    Hosted,

    /// <summary>What the party whose turn it is would send (<see cref="FairEnvironment.Next"/>), at a random time; a tick if it stays silent.</summary>
    Progress,
}

/// <summary>
/// One random step: wait <see cref="Wait"/> (mapped to a delay), then send a command of <see cref="Kind"/>, which
/// <see cref="TaskSteps.Materialize"/> fills in against the record it meets. <see cref="Who"/> below 40 picks the
/// caller the command is meant for (the client, the agent of the attempt, an appointed verifier); above, anyone.
/// </summary>
internal sealed record TaskStep(StepKind Kind, int Who, int A, int B, int Wait)
{
    /// <summary>Mostly short waits, some of seconds, a few of up to two minutes, so every deadline falls now and then.</summary>
    public TimeSpan Delay => Wait switch
    {
        < 600 => TimeSpan.FromMilliseconds(Wait),
        < 950 => TimeSpan.FromMilliseconds((Wait - 600) * 40),
        _ => TimeSpan.FromMilliseconds((Wait - 950) * 2400),
    };
}

/// <summary>Random commands from random callers: legal and illegal, in and out of turn, duplicated and stale.</summary>
internal static class TaskSteps
{
    private static readonly StepKind[] Weights =
    [
        StepKind.Hold, StepKind.Hold, StepKind.Hold, StepKind.Assign, StepKind.Assign, StepKind.Assign, StepKind.Start, StepKind.Start,
        StepKind.Post, StepKind.Post, StepKind.Fail, StepKind.Accept, StepKind.Dispute, StepKind.Dispute, StepKind.Appoint,
        StepKind.Appoint, StepKind.Verdict, StepKind.Verdict, StepKind.Verdict, StepKind.Cancel, StepKind.Tick, StepKind.Tick,
        StepKind.Acknowledge, StepKind.Resubmit, StepKind.Repeat, StepKind.Hosted, StepKind.Hosted,
        StepKind.Progress, StepKind.Progress, StepKind.Progress, StepKind.Progress, StepKind.Progress, StepKind.Progress,
        StepKind.Progress, StepKind.Progress, StepKind.Progress, StepKind.Progress, StepKind.Progress, StepKind.Progress,
    ];

    public static readonly Gen<TaskStep> Steps = Gen.Select(
        Gen.Int[0, Weights.Length - 1], Gen.Int[0, 99], Gen.Int[0, 999], Gen.Int[0, 999], Gen.Int[0, 999],
        (kind, who, a, b, wait) => new TaskStep(Weights[kind], who, a, b, wait));

    /// <summary>The command <paramref name="step"/> sends to <paramref name="record"/>; <paramref name="last"/> is the one sent before it.</summary>
    public static TaskCommand Materialize(TaskStep step, TaskRecord record, TaskWorld world, TaskCommand? last)
    {
        var anyone = world.People[step.Who % world.People.Length];
        var agent = step.Who < 40 && record.Agent is { } assigned ? assigned : anyone;
        var client = step.Who < 40 ? world.Client : anyone;
        var attempt = record.Attempt + (step.A % 5 == 0 ? (step.A % 2 == 0 ? -1 : 1) : 0);
        return step.Kind switch
        {
            StepKind.Hold => new HoldChanged((HoldKind)(step.A % 2), (HoldState)(step.B % 6), "ledger"),
            StepKind.Assign => new AssignTask(step.Who < 60 ? world.Agents[step.A % world.Agents.Length] : anyone, Price(step.B, world.Terms.MaxPrice),
                step.B % 3 == 0 ? Module : null),
            StepKind.Hosted => (step.B % 4) switch
            {
                0 => new StartHosted(agent, attempt),
                1 => Verified(agent, attempt, step.B, step.A % 7 == 0 ? step.B + 1 : step.B),
                _ => new FailHosted(agent, attempt, "wasm:trap: unreachable", step.B % 4 == 3),
            },
            StepKind.Start => new StartTask(agent, attempt),
            StepKind.Post => step.A % 7 == 0
                ? TaskWorld.Result(agent, attempt, Output(step.B)) with { Output = Output(step.B + 1) }
                : TaskWorld.Result(agent, attempt, Output(step.B)),
            StepKind.Fail => new ReportFailure(agent, attempt, "agent error"),
            StepKind.Accept => new AcceptResult(client),
            StepKind.Dispute => new DisputeResult(client, "wrong"),
            StepKind.Appoint => new AppointVerifiers(Subset(world.People, step.A, step.B)),
            StepKind.Verdict => new GiveVerdict(Verifier(step, record) ?? anyone, step.B % 2 == 0),
            StepKind.Cancel => new CancelTask(client),
            StepKind.Tick => new TaskTick(),
            StepKind.Acknowledge => new ReportAcknowledged(
                record.Reports.IsEmpty || step.A % 4 == 0 ? $"{record.Id}/{step.B % 5}" : record.Reports[step.B % record.Reports.Length].ReportId),
            StepKind.Resubmit => step.A % 3 == 0 ? world.Submit() with { Terms = world.Terms with { Salt = "other" } } : world.Submit(),
            StepKind.Repeat => last ?? new TaskTick(),
            StepKind.Progress => FairEnvironment.Next(record, world, new Random((step.A * 1000) + step.B)) ?? new TaskTick(),
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
    }

    /// <summary>The module a hosted agent runs.</summary>
    public static readonly Hashing.Hash32 Module = Hashing.Blake2b.Content("module"u8);

    /// <summary>A verified hosted result of output <paramref name="n"/>, its hash that of output <paramref name="hashOf"/> (a mismatch when they differ).</summary>
    public static PostVerifiedResult Verified(Did agent, int attempt, int n, int? hashOf = null) =>
        new(agent, attempt, Output(n), Hashing.Blake2b.Content(System.Text.Encoding.UTF8.GetBytes(Output(hashOf ?? n))), "2 of 2 executions agree");

    /// <summary>Few distinct outputs, so the same result is posted again now and then.</summary>
    public static string Output(int n) => $"{{\"summary\":\"s{n % 3}\"}}";

    // Mostly within [0, maxPrice], sometimes just outside it.
    private static long Price(int b, long maxPrice) => (b % 7) switch
    {
        0 => -1,
        1 => maxPrice + 1,
        2 => maxPrice,
        _ => b % (maxPrice + 1),
    };

    private static Did? Verifier(TaskStep step, TaskRecord record) =>
        step.Who < 40 && record.Dispute is { Verifiers.IsEmpty: false } dispute ? dispute.Verifiers[step.A % dispute.Verifiers.Length] : null;

    // A quarter of appointments are empty; some name a DID twice; the client and the agent may be among them.
    private static ImmutableArray<Did> Subset(ImmutableArray<Did> people, int a, int b)
    {
        if (a % 4 == 0)
        {
            return [];
        }

        var chosen = people.Where((_, i) => ((b >> i) & 1) == 1).ToImmutableArray();
        return a % 5 == 0 && !chosen.IsEmpty ? chosen.Add(chosen[0]) : chosen;
    }
}
