namespace Ainur.Grains.Interfaces;

/// <summary>Names of the Orleans stream provider and its namespaces, in one place so publishers and subscribers agree.</summary>
public static class AinurStreams
{
    /// <summary>The memory stream provider (at most once, no history: whatever must not be lost is grain state).</summary>
    public const string Provider = "ainur";

    /// <summary>Transitions of one task (stream id: the task id); the durable copy is the task's history.</summary>
    public const string TaskEvents = "task-events";

    /// <summary>An agent's merged reputation counter (stream id: the DID).</summary>
    public const string Reputation = "reputation";
}
