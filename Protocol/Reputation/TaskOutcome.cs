namespace Ainur.Protocol.Reputation;

/// <summary>The outcome of one attempt of one task, for the agent that made the attempt. Byte values never change.</summary>
public enum TaskOutcome : byte
{
    /// <summary>The agent's result was accepted (by the client, the end of the challenge window, or a dispute).</summary>
    Completed = 1,

    /// <summary>The attempt failed: an error, no result in time, or the agent vanished.</summary>
    Failed = 2,

    /// <summary>A dispute over the agent's result was decided against it.</summary>
    DisputeLost = 3,
}
