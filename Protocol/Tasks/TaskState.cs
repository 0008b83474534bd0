namespace Ainur.Protocol.Tasks;

/// <summary>
/// Where a task stands. Terminal: <see cref="Settled"/>, <see cref="Cancelled"/>, <see cref="Failed"/>;
/// <see cref="Disputed"/> resolves to <see cref="Complete"/> (then Settled) or Failed.
/// </summary>
public enum TaskState
{
    /// <summary>Submitted; waiting for its escrow lock to be final, then for an agent.</summary>
    Pending = 0,

    /// <summary>Offered to one agent, which has not picked it up yet.</summary>
    Assigned = 1,

    /// <summary>The assigned agent picked it up and is working on it.</summary>
    Executing = 2,

    /// <summary>A result was posted; the client's challenge window is open.</summary>
    Verifying = 3,

    /// <summary>The result stands; the agent's payment is on its way to the ledger.</summary>
    Complete = 4,

    /// <summary>Terminal: the agent was paid on the ledger.</summary>
    Settled = 5,

    /// <summary>Terminal: the client cancelled before assignment; its escrow is refunded.</summary>
    Cancelled = 6,

    /// <summary>Terminal: every attempt failed, the deadline passed, the escrow lock failed, or a dispute was lost; refunded.</summary>
    Failed = 7,

    /// <summary>The client disputed the result; verifier agents are judging it.</summary>
    Disputed = 8,
}

/// <summary>Where one of a task's holds on the ledger (its payment or its dispute bond) stands.</summary>
public enum HoldState
{
    /// <summary>No hold was asked for.</summary>
    None = 0,

    /// <summary>The client's signed lock was submitted and is not final yet.</summary>
    Locking = 1,

    /// <summary>The lock is final: the credits are held.</summary>
    Locked = 2,

    /// <summary>
    /// The ledger refused the lock (for example, the client's balance was short), or the lock never arrived; nothing is
    /// held. The client's signed lock stays valid until its expiry, so the task watches its escrow until the ledger's
    /// time passes that expiry: if a late relay locks it, the hold becomes Locked and is refunded, else Expired.
    /// </summary>
    LockRejected = 3,

    /// <summary>Closed by a release or payout, final on the ledger.</summary>
    Released = 4,

    /// <summary>Closed by a refund to the client, final on the ledger.</summary>
    Refunded = 5,

    /// <summary>The lock was refused and a final block's time is past its expiry: it can never apply; nothing is held.</summary>
    Expired = 6,
}

/// <summary>How a dispute ended.</summary>
public enum DisputeResolution
{
    /// <summary>A majority of verifiers upheld the result: the agent is paid and takes the bond (less the verifiers' fees).</summary>
    AgentWins = 1,

    /// <summary>A majority rejected the result: the client is refunded, the agent's stake slashed.</summary>
    ClientWins = 2,

    /// <summary>No majority by the deadline (or no verifier to ask): the result stands and the bond returns to the client.</summary>
    Undecided = 3,

    /// <summary>The bond lock failed on the ledger: there was no dispute, the result stands.</summary>
    Void = 4,
}

/// <summary>Helpers on <see cref="TaskState"/>.</summary>
public static class TaskStates
{
    /// <summary>Whether nothing can change the task's state any more.</summary>
    public static bool IsTerminal(this TaskState state) => state is TaskState.Settled or TaskState.Cancelled or TaskState.Failed;

    /// <summary>Whether an attempt is running (an agent holds the task).</summary>
    public static bool HasAttempt(this TaskState state) => state is TaskState.Assigned or TaskState.Executing;
}
