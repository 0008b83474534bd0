using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tasks;

/// <summary>The stored state of a <see cref="TaskGrain"/>; <see cref="Record"/> is null until the task is submitted.</summary>
[GenerateSerializer, Alias("ainur.TaskGrainState")]
public sealed class TaskGrainState
{
    /// <summary>The task.</summary>
    [Id(0)]
    public TaskRecord? Record { get; set; }
}
