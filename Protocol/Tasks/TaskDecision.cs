using Orleans;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// The result of deciding one command: <see cref="Next"/> is the record afterwards (the same instance when nothing
/// changed, so a repeated command is a no-op), or <see cref="Rejection"/> says why the command was refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskDecision")]
public sealed record TaskDecision([property: Id(0)] TaskRecord? Next, [property: Id(1)] TaskRejection? Rejection)
{
    /// <summary>Whether the command was refused.</summary>
    public bool IsRejected => Rejection is not null;
}
