namespace Ainur.Protocol.Reputation;

/// <summary>
/// How one attempt of one task ended, for the agent that made the attempt. Each attempt is reported once
/// (exactly once: see <c>IReputationGrain</c>); the values are stable because they are stored.
/// </summary>
public enum TaskOutcome : byte
{
    /// <summary>The attempt's result was accepted and the task settled: a success.</summary>
    Completed = 1,

    /// <summary>The attempt failed (error, trap, timeout, agent gone): a failure.</summary>
    Failed = 2,

    /// <summary>The client disputed the result and the agent lost the dispute: a failure.</summary>
    DisputeLost = 3,
}
