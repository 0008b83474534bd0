using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Discovery;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;
using Orleans.Concurrency;

namespace Ainur.Grains.Interfaces.Agents;

/// <summary>One agent, keyed by its DID (<c>did:key:z…</c>): identity and manifest, durable.</summary>
[Alias("ainur.IAgentGrain")]
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers or updates the agent's manifest. Idempotent: the same manifest again returns
    /// <see cref="RegistrationOutcome.Unchanged"/> with the same record. The record is durable before this returns.
    /// Refusals (another signer, an invalid manifest) come back as a decision with a rejection and change nothing.
    /// </summary>
    [Alias("Register")]
    Task<RegistrationDecision> RegisterAsync(RegisterAgent command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deregisters the agent, as <paramref name="signer"/> (the DID whose signature the gateway verified) asks: it gets
    /// no new assignments; tasks in flight finish. Only the agent itself may (else <see cref="DeregistrationRejection.NotOwner"/>),
    /// and only once registered (else <see cref="DeregistrationRejection.NotRegistered"/>); refusals change nothing.
    /// Idempotent: again returns <see cref="DeregistrationOutcome.Unchanged"/> with the same record. Registering again
    /// re-activates the agent. The record is durable before this returns.
    /// </summary>
    [Alias("Deregister")]
    Task<DeregistrationDecision> DeregisterAsync(Did signer, CancellationToken cancellationToken = default);

    /// <summary>The current record, or null when the agent never registered.</summary>
    [Alias("Get")]
    ValueTask<AgentRecord?> GetAsync();

    /// <summary>
    /// A sign of life (a poll of the agent's feed, or a signed heartbeat): the agent is announced present on the presence
    /// stream of each capability domain it offers, at most once per beat interval. False when the agent is not
    /// registered or has deregistered (nothing is announced).
    /// </summary>
    [AlwaysInterleave, Alias("Heartbeat")]
    Task<bool> HeartbeatAsync();

    /// <summary>The agent's offers in capability <paramref name="domain"/> with their embeddings (empty when inactive): what a discovery shard rebuilds from.</summary>
    [AlwaysInterleave, Alias("DiscoveryEntries")]
    Task<ImmutableArray<DiscoveryEntry>> DiscoveryEntriesAsync(string domain);
}
