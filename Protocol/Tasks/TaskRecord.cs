using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// Everything durable about one task: its terms and input, where it stands, the current attempt, the result, the
/// dispute, both ledger holds, reputation reports not yet acknowledged, and the full history of transitions (the
/// audit trail, which the event stream replays). Changed only by <see cref="TaskMachine.Decide"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskRecord")]
public sealed record TaskRecord
{
    /// <summary>The task id (<see cref="TaskTerms.TaskId"/>).</summary>
    [Id(0)] public required Hash32 Id { get; init; }

    /// <summary>The client's terms.</summary>
    [Id(1)] public required TaskTerms Terms { get; init; }

    /// <summary>The input, as the JSON text the client sent.</summary>
    [Id(2)] public required string Input { get; init; }

    /// <summary>Hashes of the capability's input schemas this input satisfies: only agents declaring one of them may take it.</summary>
    [Id(3)] public required ImmutableArray<Hash32> Schemas { get; init; }

    /// <summary>Where the task stands.</summary>
    [Id(4)] public TaskState State { get; init; }

    /// <summary>The attempt number: 0 before the first assignment, then 1, 2, … (at most <see cref="TaskPolicy.MaxAttempts"/>).</summary>
    [Id(5)] public int Attempt { get; init; }

    /// <summary>The agent of the current or last attempt.</summary>
    [Id(6)] public Did? Agent { get; init; }

    /// <summary>The price the current agent asked (at most <see cref="TaskTerms.MaxPrice"/>).</summary>
    [Id(7)] public long Price { get; init; }

    /// <summary>When the current attempt must have posted its result.</summary>
    [Id(8)] public DateTimeOffset? AttemptDeadline { get; init; }

    /// <summary>Agents whose attempts failed: never assigned this task again.</summary>
    [Id(9)] public ImmutableArray<Did> FailedAgents { get; init; } = [];

    /// <summary>The result the agent posted, once it did.</summary>
    [Id(10)] public TaskResult? Result { get; init; }

    /// <summary>The dispute, once the client opened one.</summary>
    [Id(11)] public DisputeRecord? Dispute { get; init; }

    /// <summary>The payment escrow (the task's maxPrice), or for a budget task its reservation on the budget.</summary>
    [Id(12)] public HoldState Payment { get; init; }

    /// <summary>The dispute bond's escrow.</summary>
    [Id(13)] public HoldState Bond { get; init; }

    /// <summary>Why the task failed or the last attempt failed, for people.</summary>
    [Id(14)] public string? Reason { get; init; }

    /// <summary>Reputation reports not yet acknowledged by the agent's reputation.</summary>
    [Id(15)] public ImmutableArray<OutcomeReportEntry> Reports { get; init; } = [];

    /// <summary>Every transition so far, in order; sequence numbers start at 1.</summary>
    [Id(16)] public ImmutableArray<TaskTransition> History { get; init; } = [];

    /// <summary>When the task was submitted.</summary>
    [Id(17)] public DateTimeOffset SubmittedAt { get; init; }

    /// <summary>The budget and voucher that pay the task; null when the client's own escrow lock pays.</summary>
    [Id(18)] public TaskVoucher? Voucher { get; init; }
    /// <summary>
    /// The client accepted in advance: a posted result completes the task at once (no challenge window, no dispute), and
    /// only agents declaring the capability deterministic are assigned it.
    /// </summary>
    [Id(19)] public bool AcceptOnResult { get; init; }

    /// <summary>The fuel the client allows each hosted execution (null: the node's default; the node caps it).</summary>
    [Id(20)] public long? Fuel { get; init; }

    /// <summary>
    /// Agents whose hosted module proved non-deterministic on this task: each is slashed in the task's settlement, as a
    /// lost dispute is.
    /// </summary>
    [Id(21)] public ImmutableArray<Did> Slashed { get; init; } = [];

    /// <summary>
    /// The current attempt's agent is hosted: the node runs this WebAssembly module (its Blake2b-256 hash) for it, and
    /// only the node's verified outcome ends the attempt (the agent's own key cannot post for it). Null: a remote agent.
    /// </summary>
    [Id(22)] public Hash32? Module { get; init; }

    /// <summary>The payment escrow's id on the ledger.</summary>
    public Hash32 PaymentEscrow => TaskEscrows.Payment(Id);

    /// <summary>The dispute bond escrow's id on the ledger.</summary>
    public Hash32 BondEscrow => TaskEscrows.DisputeBond(Id);

    /// <summary>
    /// Whether the task is terminal and no hold on the ledger is still open, in flight, or refused but not yet expired
    /// (a refused lock could still be relayed until then).
    /// </summary>
    public bool IsClosed => State.IsTerminal() && !IsOpen(Payment) && !IsOpen(Bond) && Reports.IsEmpty;

    /// <summary>
    /// The expiry (Unix milliseconds) that the client's lock of <paramref name="hold"/> must carry: the task's deadline for
    /// the payment, the end of the challenge window for the bond (null before a result is posted).
    /// </summary>
    public long? LockExpiry(HoldKind hold) => hold == HoldKind.Payment ? Terms.Deadline : Result?.WindowEndsAt.ToUnixTimeMilliseconds();

    private static bool IsOpen(HoldState hold) => hold is HoldState.Locking or HoldState.Locked or HoldState.LockRejected;
}

/// <summary>
/// A posted result: the output JSON text, its <see cref="Blake2b.Content"/> hash, and the end of the challenge window.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskResult")]
public sealed record TaskResult(
    [property: Id(0)] string Output,
    [property: Id(1)] Hash32 OutputHash,
    [property: Id(2)] DateTimeOffset PostedAt,
    [property: Id(3)] DateTimeOffset WindowEndsAt);

/// <summary>
/// A dispute: the verifiers appointed once the bond is locked (empty until then), their verdicts, the deadline
/// for verdicts, and the resolution once decided.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.DisputeRecord")]
public sealed record DisputeRecord(
    [property: Id(0)] DateTimeOffset OpenedAt,
    [property: Id(1)] bool Appointed,
    [property: Id(2)] ImmutableArray<Did> Verifiers,
    [property: Id(3)] ImmutableArray<Verdict> Verdicts,
    [property: Id(4)] DateTimeOffset? Deadline,
    [property: Id(5)] DisputeResolution? Resolution)
{
    /// <summary>Verifiers that upheld the result.</summary>
    public int Upheld => Verdicts.Count(v => v.Upholds);

    /// <summary>Verifiers that rejected the result.</summary>
    public int Rejected => Verdicts.Count(v => !v.Upholds);
}

/// <summary>One verifier's verdict: whether the agent's result stands.</summary>
[GenerateSerializer, Immutable, Alias("ainur.Verdict")]
public sealed record Verdict([property: Id(0)] Did Verifier, [property: Id(1)] bool Upholds);

/// <summary>A reputation report owed to <paramref name="Agent"/>: unique per (task, attempt) by <paramref name="ReportId"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.OutcomeReportEntry")]
public sealed record OutcomeReportEntry(
    [property: Id(0)] Did Agent,
    [property: Id(1)] string ReportId,
    [property: Id(2)] Reputation.TaskOutcome Outcome);

/// <summary>
/// One step of a task's history: sequence number (from 1), time, states before and after (equal when only a hold or
/// the dispute changed), what caused it, and who (null: the system).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskTransition")]
public sealed record TaskTransition(
    [property: Id(0)] int Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] TaskState? From,
    [property: Id(3)] TaskState To,
    [property: Id(4)] string Cause,
    [property: Id(5)] Did? Actor,
    [property: Id(6)] string? Detail);
