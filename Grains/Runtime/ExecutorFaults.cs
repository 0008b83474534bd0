namespace Ainur.Grains.Runtime;

/// <summary>
/// A test seam, one per silo: when <see cref="Tamper"/> is set, every outcome this silo's executor produces passes through
/// it before it is reported (tests corrupt one silo's outputs to show that re-execution catches them). Never set in production.
/// </summary>
public sealed class ExecutorFaults
{
    /// <summary>Rewrites the outcome of a request; null: outcomes go out as produced.</summary>
    public Func<Interfaces.Runtime.ExecutionRequest, ExecutionOutcome, ExecutionOutcome>? Tamper { get; set; }
}
