using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Agents;

/// <summary>
/// A registered agent: its DID, its current manifest and the record's version, which starts at 1 and grows by one
/// with every registration that changes the record (a new manifest, or a re-activation after deregistration).
/// <see cref="DeregisteredAt"/> is null while the agent is active; once set, the agent gets no new assignments (tasks
/// in flight finish) until it registers again. Deregistering does not change the version. Times are those the node
/// deciding the change observed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.AgentRecord")]
public sealed record AgentRecord(
    [property: Id(0)] Did Did,
    [property: Id(1)] AgentManifest Manifest,
    [property: Id(2)] int Version,
    [property: Id(3)] DateTimeOffset RegisteredAt,
    [property: Id(4)] DateTimeOffset UpdatedAt,
    [property: Id(5)] DateTimeOffset? DeregisteredAt = null)
{
    /// <summary>True while the agent has not deregistered: it may be given new tasks.</summary>
    public bool IsActive => DeregisteredAt is null;
}
