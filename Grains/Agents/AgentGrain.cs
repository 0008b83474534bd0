using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Identity;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Ainur.Grains.Agents;

/// <summary>Thin host around <see cref="Registration"/>: load, decide, persist, answer.</summary>
internal sealed partial class AgentGrain(
    [PersistentState("agent", AinurStores.Agents)] IPersistentState<AgentGrainState> state,
    TimeProvider clock,
    ILogger<AgentGrain> logger) : Grain, IAgentGrain
{
    async Task<RegistrationDecision> IAgentGrain.RegisterAsync(RegisterAgent command, CancellationToken cancellationToken)
    {
        if (!Did.TryParse(this.GetPrimaryKeyString(), out var subject, out _))
        {
            // Keys come from the gateway, which validates them; a bad one here is a caller bug.
            throw new InvalidOperationException("An agent grain's key must be a did:key.");
        }

        var decision = Registration.Decide(state.State.Record, subject, command.Signer, command.Manifest, clock.GetUtcNow());
        if (decision.Rejection is null && decision.Outcome != RegistrationOutcome.Unchanged)
        {
            state.State.Record = decision.Next;
            await state.WriteStateAsync(cancellationToken);
            LogRegistered(logger, subject.Value, decision.Outcome, decision.Next!.Version);
        }

        return decision;
    }

    ValueTask<AgentRecord?> IAgentGrain.GetAsync() => ValueTask.FromResult(state.State.Record);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Agent {Did} {Outcome} at version {Version}")]
    private static partial void LogRegistered(ILogger logger, string did, RegistrationOutcome outcome, int version);
}
