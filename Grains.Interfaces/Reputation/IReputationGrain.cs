using Ainur.Protocol.Reputation;
using Orleans.Concurrency;

namespace Ainur.Grains.Interfaces.Reputation;

/// <summary>
/// The reputation of one agent, keyed by its DID (<c>did:key:z…</c>): a <see cref="ReputationCounter"/> in which this
/// cluster owns one slot (its replica id, <c>Ainur:Reputation:Replica</c>, default the ServiceId) and other replicas'
/// slots arrive by <see cref="MergeAsync"/>.
/// <para>
/// Every task outcome counts exactly once, across crashes of either side, by this protocol:
/// (1) the task grain stores the <see cref="OutcomeReport"/> in the same write as the transition that ends the attempt;
/// (2) it calls <see cref="RecordAsync"/> until a call returns, retrying after its own restarts and after failures;
/// (3) this grain increments its own slot and remembers the report id in one durable write, and answers a repeated id
/// without counting it; (4) once the reporter has durably noted the acknowledgement it calls <see cref="ForgetAsync"/>
/// (again until it returns), so the remembered ids are only reports in flight. Streams are not part of it: they lose
/// messages. The one case this cannot catch is a copy of a report delivered after its own <see cref="ForgetAsync"/>,
/// which Orleans' ordered, request-response calls from the single reporter rule out in practice.
/// </para>
/// </summary>
[Alias("ainur.IReputationGrain")]
public interface IReputationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Counts <paramref name="report"/> in this replica's slot, durably before it returns. A report whose id was
    /// already recorded (and not yet forgotten) is acknowledged and changes nothing. A failed call may or may not have
    /// counted: call again with the same report.
    /// </summary>
    [Alias("Record")]
    Task RecordAsync(OutcomeReport report);

    /// <summary>
    /// The reporter has durably noted that <paramref name="reportId"/> was acknowledged: the id may leave the
    /// de-duplication memory (storage drops it with the grain's next write, or when it deactivates: no write of its own).
    /// Idempotent; an unknown id changes nothing. After this, the same report again would count again.
    /// </summary>
    [Alias("Forget")]
    Task ForgetAsync(string reportId);

    /// <summary>
    /// Merges another replica's counter (cross-region gossip), durably before it returns when it adds anything.
    /// Idempotent, commutative and associative: stale, repeated or reordered counters never count twice.
    /// </summary>
    [Alias("Merge")]
    Task MergeAsync(ReputationCounter remote);

    /// <summary>The reputation as last made durable. Interleaves with writes, so a read never waits behind one.</summary>
    [Alias("Get"), AlwaysInterleave]
    ValueTask<ReputationView> GetAsync();
}
