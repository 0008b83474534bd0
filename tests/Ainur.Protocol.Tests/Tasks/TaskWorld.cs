using System.Collections.Immutable;
using System.Text;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Tasks;
using CsCheck;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary>
/// The people around one task and the rules it runs under: its client, 4–6 agents, a stranger, a node policy within
/// sane bounds, and the client's terms, submitted at <see cref="Start"/> with a deadline after it.
/// </summary>
internal sealed record TaskWorld(TaskPolicy Policy, Did Client, ImmutableArray<Did> Agents, Did Stranger, TaskTerms Terms, string Input, DateTimeOffset Start)
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly Gen<TaskPolicy> Policies = Gen.Select(
        Gen.Int[1, 4], Gen.Int[1, 90], Gen.Int[1, 90], Gen.Int[1, 90], Gen.Int[1, 4], Gen.Int[0, 5], Gen.Int[1, 20], Gen.Int[0, 10_000],
        (attempts, execution, window, verdicts, quorum, fee, bondExtra, feeBps) => new TaskPolicy
        {
            MaxAttempts = attempts,
            ExecutionTimeout = TimeSpan.FromSeconds(execution),
            ChallengeWindow = TimeSpan.FromSeconds(window),
            VerdictTimeout = TimeSpan.FromSeconds(verdicts),
            VerifierQuorum = quorum,
            VerifierFee = fee,
            DisputeBond = (quorum * fee) + bondExtra,
            ProtocolFeeBps = feeBps,
        });

    public static readonly Gen<TaskWorld> Worlds = Gen.Select(Policies, Gen.Int[4, 6], Gen.Long[1, 1000], Gen.Int[1, 600], Gen.Int[0, 99]).Select(
        (policy, agents, maxPrice, deadlineSeconds, salt) =>
        {
            var client = Person(0);
            return new TaskWorld(
                policy, client, [.. Enumerable.Range(1, agents).Select(Person)], Person(9),
                TermsOf(client, InputOf(salt), maxPrice, T0.AddSeconds(deadlineSeconds), $"salt-{salt}"), InputOf(salt), T0)
            {
                AcceptOnResult = salt % 4 == 0,
            };
        });

    /// <summary>Whether the client submits with acceptance on result (a quarter of the worlds).</summary>
    public bool AcceptOnResult { get; init; }

    /// <summary>Everyone who may send a command: the client, the agents and the stranger.</summary>
    public ImmutableArray<Did> People => [Client, .. Agents, Stranger];

    /// <summary>A distinct DID per <paramref name="n"/> (any 32 bytes make a did:key; no signing happens here).</summary>
    public static Did Person(int n)
    {
        var key = new byte[32];
        key[0] = (byte)(n + 1);
        key[31] = 0xa5;
        return Did.FromPublicKey(key);
    }

    public static string InputOf(int n) => $"{{\"text\":\"task {n}\"}}";

    public static TaskTerms TermsOf(Did client, string input, long maxPrice, DateTimeOffset deadline, string salt) =>
        new(client, "text.summarize", Blake2b.Content(Encoding.UTF8.GetBytes(input)), maxPrice, deadline.ToUnixTimeMilliseconds(), salt);

    /// <summary>A result whose hash is right for its output.</summary>
    public static PostResult Result(Did agent, int attempt, string output) =>
        new(agent, attempt, output, Blake2b.Content(Encoding.UTF8.GetBytes(output)));

    public SubmitTask Submit() => new(Terms, Input, [], AcceptOnResult: AcceptOnResult);

    /// <summary>What kind of actor <paramref name="caller"/> is for <paramref name="record"/> (null: none of them).</summary>
    public TaskActor? ActorOf(TaskRecord? record, Did? caller) =>
        caller is not { } who ? TaskActor.System
        : who == Client ? TaskActor.Client
        : record?.Agent == who ? TaskActor.Agent
        : record?.Dispute?.Verifiers.Contains(who) == true ? TaskActor.Verifier
        : null;

    /// <summary>
    /// Whether <paramref name="command"/>'s caller may issue it for <paramref name="record"/>, whatever the state:
    /// the client for accept, dispute and cancel; the agent of the attempt (not one whose attempt failed) for start,
    /// result and failure; an appointed verifier for a verdict; the system for the rest.
    /// </summary>
    public static bool MayIssue(TaskRecord record, TaskCommand command) => command switch
    {
        AcceptResult or DisputeResult or CancelTask => command.Caller == record.Terms.Client,
        StartTask or PostResult or ReportFailure => record.Module is null && command.Caller == record.Agent && !record.FailedAgents.Contains(record.Agent!.Value),
        GiveVerdict verdict => record.Dispute?.Verifiers.Contains(verdict.Verifier) == true,
        SubmitTask => true,
        _ => command.Caller is null,
    };
}
