using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// Something the host of a task does for it, named by <see cref="TaskMachine.Step"/>. Each is idempotent, so doing one
/// again after a crash or a lost answer only repeats work. <see cref="TaskAsk"/>s are questions to the world whose
/// answer is a system command for the same task; <see cref="TaskTell"/>s are news for others, sent only once the change
/// that caused them is durable.
/// </summary>
public abstract record TaskEffect;

/// <summary>A question whose answer is a command for the task (or none yet: ask again later).</summary>
public abstract record TaskAsk : TaskEffect;

/// <summary>Hand the client's signed lock of <paramref name="Hold"/> to the escrow and learn the ledger's answer (<see cref="HoldChanged"/>).</summary>
public sealed record LockHold(HoldKind Hold) : TaskAsk;

/// <summary>Pick an agent for the pending task (<see cref="AssignTask"/>).</summary>
public sealed record FindAgent : TaskAsk;

/// <summary>Pick verifiers for the dispute (<see cref="AppointVerifiers"/>).</summary>
public sealed record FindVerifiers : TaskAsk;

/// <summary>Close the holds on the ledger (<see cref="TaskSettlement"/>; each close answers <see cref="HoldChanged"/>).</summary>
public sealed record CloseHolds : TaskAsk;

/// <summary>Record <paramref name="Report"/> in the agent's reputation (<see cref="ReportAcknowledged"/>).</summary>
public sealed record SendReport(OutcomeReportEntry Report) : TaskAsk;

/// <summary>Look at the escrow of the refused lock of <paramref name="Hold"/> (<see cref="HoldChanged"/> once it is locked by a relay or expired).</summary>
public sealed record WatchHold(HoldKind Hold) : TaskAsk;

/// <summary>News for others, sent once the change is durable; lost news is repaired by <see cref="TaskEffects.OnResume"/> or a deadline.</summary>
public abstract record TaskTell : TaskEffect;

/// <summary>Put the attempt on <paramref name="Agent"/>'s feed.</summary>
public sealed record OfferAttempt(Did Agent, int Attempt) : TaskTell;

/// <summary>Run the hosted attempt: the node executes <paramref name="Module"/> for <paramref name="Agent"/> and verifies the result.</summary>
public sealed record RunHosted(Did Agent, int Attempt, Hashing.Hash32 Module) : TaskTell;

/// <summary>Put the dispute on the feeds of <paramref name="Verifiers"/> (appointed, no verdict yet).</summary>
public sealed record AskVerifiers(System.Collections.Immutable.ImmutableArray<Did> Verifiers) : TaskTell;

/// <summary>The attempt of <paramref name="Agent"/> ended: it has one task fewer in flight, and its feed drops the task.</summary>
public sealed record ReleaseAgent(Did Agent) : TaskTell;

/// <summary>The acknowledgement of <paramref name="Report"/> is durable: the reputation may forget its id.</summary>
public sealed record ForgetReport(OutcomeReportEntry Report) : TaskTell;
