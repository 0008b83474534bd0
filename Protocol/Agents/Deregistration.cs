using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Agents;

/// <summary>What a deregistration did.</summary>
public enum DeregistrationOutcome
{
    /// <summary>The agent was active and is now deregistered.</summary>
    Deregistered = 0,

    /// <summary>The agent was already deregistered: nothing changed.</summary>
    Unchanged = 1,
}

/// <summary>Why a deregistration was refused.</summary>
public enum DeregistrationRejection
{
    /// <summary>The request was signed by another DID than the agent's.</summary>
    NotOwner = 0,

    /// <summary>The agent never registered.</summary>
    NotRegistered = 1,
}

/// <summary>
/// The decision on one deregistration: <see cref="Next"/> (the record to keep; the current one, possibly null, when
/// refused) with an outcome, or a rejection.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.DeregistrationDecision")]
public sealed record DeregistrationDecision(
    [property: Id(0)] AgentRecord? Next,
    [property: Id(1)] DeregistrationOutcome Outcome,
    [property: Id(2)] DeregistrationRejection? Rejection);

/// <summary>
/// The deregistration rule, a pure function: only the agent itself may deregister; a deregistered agent keeps its
/// record (manifest, version) with <see cref="AgentRecord.DeregisteredAt"/> set, and registering again re-activates it
/// (<see cref="Registration.Decide"/>).
/// </summary>
public static class Deregistration
{
    /// <summary>
    /// Decides a deregistration of <paramref name="subject"/> signed by <paramref name="signer"/>, given the
    /// <paramref name="current"/> record (null when none). Idempotent: deciding again on the returned record yields
    /// <see cref="DeregistrationOutcome.Unchanged"/> with that same record (its first deregistration time kept).
    /// </summary>
    public static DeregistrationDecision Decide(AgentRecord? current, Did subject, Did signer, DateTimeOffset now)
    {
        if (subject != signer)
        {
            return new(current, DeregistrationOutcome.Unchanged, DeregistrationRejection.NotOwner);
        }

        if (current is null)
        {
            return new(null, DeregistrationOutcome.Unchanged, DeregistrationRejection.NotRegistered);
        }

        return current.IsActive
            ? new(current with { DeregisteredAt = now }, DeregistrationOutcome.Deregistered, null)
            : new(current, DeregistrationOutcome.Unchanged, null);
    }
}
