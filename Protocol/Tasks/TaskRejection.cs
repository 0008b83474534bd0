using Orleans;

namespace Ainur.Protocol.Tasks;

/// <summary>Why a command was refused; the task is unchanged.</summary>
public enum TaskRejectionKind
{
    /// <summary>The caller may not issue this command for this task (another client, not the assigned agent, not a verifier).</summary>
    Forbidden = 0,

    /// <summary>The command is not legal in the task's state (or for its attempt, or after its window).</summary>
    Conflict = 1,

    /// <summary>The command's content is invalid (for example, terms that do not match the task id).</summary>
    Invalid = 2,

    /// <summary>The task does not exist.</summary>
    NotFound = 3,
}

/// <summary>A refusal with a reason for people, and a stable code where the kind alone is too coarse (a budget's refusal).</summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskRejection")]
public sealed record TaskRejection([property: Id(0)] TaskRejectionKind Kind, [property: Id(1)] string Reason, [property: Id(2)] string? Code = null);
