using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Agents;

/// <summary>
/// A registered agent: its DID, its current manifest and the manifest's version, which starts at 1 and grows by one
/// with every changed manifest. Times are those the registering node observed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.AgentRecord")]
public sealed record AgentRecord(
    [property: Id(0)] Did Did,
    [property: Id(1)] AgentManifest Manifest,
    [property: Id(2)] int Version,
    [property: Id(3)] DateTimeOffset RegisteredAt,
    [property: Id(4)] DateTimeOffset UpdatedAt);
