using System.Collections.Immutable;
using Ainur.Protocol.Ledger.Transactions;
using Orleans.Concurrency;

namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>
/// The only signer of protocol operations (key 0): collects units from many callers into one ProtocolBatch per
/// block under the orchestrator key, with a sequence above the last one the ledger saw, and tells each caller when
/// its unit is final. A unit is all or nothing on the ledger; when a batch of several units is refused for one of them,
/// that unit is retried alone and the others together, so one bad unit cannot hold back the others. A unit sent again
/// while the same unit waits joins it.
/// </summary>
[Alias("ainur.IOrchestratorGrain")]
public interface IOrchestratorGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Executes <paramref name="unit"/> on the ledger and waits until it is final or refused. The unit must close at
    /// least one escrow, settle a voucher or return a budget: each of those happens once, so however often a unit is
    /// sent (retries, crashes) it applies at most once.
    /// </summary>
    [Alias("Execute")]
    Task<UnitOutcome> ExecuteAsync(ImmutableArray<ProtocolOp> unit);

    /// <summary>How many units wait for a batch to travel in (those in batches on their way not counted).</summary>
    [AlwaysInterleave, Alias("GetQueued")]
    Task<int> GetQueuedAsync();
}

/// <summary>A unit's outcome: final (in block <see cref="Height"/>) or refused with the ledger's reason.</summary>
[GenerateSerializer, Immutable, Alias("ainur.UnitOutcome")]
public sealed record UnitOutcome([property: Id(0)] bool Final, [property: Id(1)] long Height, [property: Id(2)] string? Reason);
