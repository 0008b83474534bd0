using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Interfaces.Agents;

/// <summary>A registration, already authenticated: <see cref="Signer"/> is the DID whose signature the gateway verified.</summary>
[GenerateSerializer, Immutable, Alias("ainur.RegisterAgent")]
public sealed record RegisterAgent(
    [property: Id(0)] Did Signer,
    [property: Id(1)] AgentManifest Manifest);
