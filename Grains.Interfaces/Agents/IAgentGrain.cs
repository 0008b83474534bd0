using Ainur.Protocol.Agents;

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

    /// <summary>The current record, or null when the agent never registered.</summary>
    [Alias("Get")]
    ValueTask<AgentRecord?> GetAsync();
}
