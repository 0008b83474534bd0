using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// Something that may change a task. <see cref="Caller"/> is who asks: a client or agent DID proven by its signature,
/// or null for the system (deadlines, the ledger, assignment). <see cref="TaskMachine.Decide"/> checks that the caller
/// may issue the command and that it is legal in the task's state.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskCommand")]
public abstract record TaskCommand
{
    /// <summary>Who issues the command; null for the system.</summary>
    public abstract Did? Caller { get; }

    /// <summary>A short name for history and logs.</summary>
    public abstract string Name { get; }
}

/// <summary>
/// The client submits a task; <paramref name="Schemas"/> are the input schemas its input satisfies. With a
/// <paramref name="Voucher"/> the task is paid from that budget: its host reserves maxPrice on the budget before it
/// decides the submit, so the payment starts Locked (reserved); without one, the client's escrow lock pays. With
/// <paramref name="AcceptOnResult"/> the client accepts in advance: the result completes the task when it is posted.
/// <paramref name="Fuel"/> is what each hosted execution may use (null: the node's default; the node caps it).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.SubmitTask")]
public sealed record SubmitTask(
    [property: Id(0)] TaskTerms Terms,
    [property: Id(1)] string Input,
    [property: Id(2)] ImmutableArray<Hash32> Schemas,
    [property: Id(3)] TaskVoucher? Voucher = null,
    [property: Id(4)] bool AcceptOnResult = false,
    [property: Id(5)] long? Fuel = null) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => Terms.Client;

    /// <inheritdoc/>
    public override string Name => "submit";
}

/// <summary>The ledger settled one of the task's holds (system).</summary>
[GenerateSerializer, Immutable, Alias("ainur.HoldChanged")]
public sealed record HoldChanged(
    [property: Id(0)] HoldKind Hold,
    [property: Id(1)] HoldState State,
    [property: Id(2)] string? Reason) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => null;

    /// <inheritdoc/>
    public override string Name => "hold";
}

/// <summary>Which of a task's holds.</summary>
public enum HoldKind
{
    /// <summary>The payment escrow.</summary>
    Payment = 0,

    /// <summary>The dispute bond.</summary>
    Bond = 1,
}

/// <summary>
/// Assignment chose <paramref name="Agent"/> at <paramref name="Price"/> (system); <paramref name="Module"/> is set when the
/// agent is hosted (the node runs that module for it).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.AssignTask")]
public sealed record AssignTask([property: Id(0)] Did Agent, [property: Id(1)] long Price, [property: Id(2)] Hash32? Module = null) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => null;

    /// <inheritdoc/>
    public override string Name => "assign";
}

/// <summary>The assigned agent picked the task up for <paramref name="Attempt"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.StartTask")]
public sealed record StartTask([property: Id(0)] Did Agent, [property: Id(1)] int Attempt) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => Agent;

    /// <inheritdoc/>
    public override string Name => "start";
}

/// <summary>The assigned agent posts its output (JSON text) and the output's content hash.</summary>
[GenerateSerializer, Immutable, Alias("ainur.PostResult")]
public sealed record PostResult(
    [property: Id(0)] Did Agent,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string Output,
    [property: Id(3)] Hash32 OutputHash) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => Agent;

    /// <inheritdoc/>
    public override string Name => "result";
}

/// <summary>The assigned agent reports that its attempt failed.</summary>
[GenerateSerializer, Immutable, Alias("ainur.ReportFailure")]
public sealed record ReportFailure([property: Id(0)] Did Agent, [property: Id(1)] int Attempt, [property: Id(2)] string Reason) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => Agent;

    /// <inheritdoc/>
    public override string Name => "failure";
}

/// <summary>The client accepts the result: it settles at once.</summary>
[GenerateSerializer, Immutable, Alias("ainur.AcceptResult")]
public sealed record AcceptResult([property: Id(0)] Did Client) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => Client;

    /// <inheritdoc/>
    public override string Name => "accept";
}

/// <summary>The client disputes the result within the window; its signed bond lock goes to the ledger.</summary>
[GenerateSerializer, Immutable, Alias("ainur.DisputeResult")]
public sealed record DisputeResult([property: Id(0)] Did Client, [property: Id(1)] string? Reason) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => Client;

    /// <inheritdoc/>
    public override string Name => "dispute";
}

/// <summary>The system appointed these verifiers (possibly none) for the open dispute.</summary>
[GenerateSerializer, Immutable, Alias("ainur.AppointVerifiers")]
public sealed record AppointVerifiers([property: Id(0)] ImmutableArray<Did> Verifiers) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => null;

    /// <inheritdoc/>
    public override string Name => "appoint";
}

/// <summary>An appointed verifier gives its verdict.</summary>
[GenerateSerializer, Immutable, Alias("ainur.GiveVerdict")]
public sealed record GiveVerdict([property: Id(0)] Did Verifier, [property: Id(1)] bool Upholds) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => Verifier;

    /// <inheritdoc/>
    public override string Name => "verdict";
}

/// <summary>The client cancels the task before it is assigned.</summary>
[GenerateSerializer, Immutable, Alias("ainur.CancelTask")]
public sealed record CancelTask([property: Id(0)] Did Client) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => Client;

    /// <inheritdoc/>
    public override string Name => "cancel";
}

/// <summary>Time passed: apply every deadline due at the decision's time (system).</summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskTick")]
public sealed record TaskTick : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => null;

    /// <inheritdoc/>
    public override string Name => "deadline";
}

/// <summary>The agent's reputation acknowledged a report (system): it leaves the outbox.</summary>
[GenerateSerializer, Immutable, Alias("ainur.ReportAcknowledged")]
public sealed record ReportAcknowledged([property: Id(0)] string ReportId) : TaskCommand
{
    /// <inheritdoc/>
    public override Did? Caller => null;

    /// <inheritdoc/>
    public override string Name => "reported";
}
