using System.Collections.Immutable;
using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Runtime;

/// <summary>
/// What one execution gave: on success the output (UTF-8 JSON text) and its <see cref="Blake2b.Content"/> hash; on
/// failure a stable <see cref="FailureCode"/> (<see cref="Protocol.Modules.ExecutionFailure"/>) and a detail. Fuel used and
/// log lines either way.
/// </summary>
public sealed record ExecutionOutcome(
    string? Output,
    Hash32? OutputHash,
    string? FailureCode,
    string? FailureDetail,
    long FuelUsed,
    ImmutableArray<string> Log,
    TimeSpan Elapsed)
{
    /// <summary>Whether the execution produced an output.</summary>
    public bool Succeeded => FailureCode is null;
}
