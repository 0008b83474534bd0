using Ainur.Grains.Discovery;
using Ainur.Grains.Discovery.Embeddings;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Modules;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Ainur.Grains.Agents;

/// <summary>Thin host around <see cref="Registration"/> and <see cref="Deregistration"/>: load, decide, persist, answer.</summary>
internal sealed partial class AgentGrain(
    [PersistentState("agent", AinurStores.Agents)] IPersistentState<AgentGrainState> state,
    IModuleStore modules,
    TimeProvider clock,
    ITextEmbedder embedder,
    DiscoverySettings discovery,
    ILogger<AgentGrain> logger) : Grain, IAgentGrain
{
    async Task<RegistrationDecision> IAgentGrain.RegisterAsync(RegisterAgent command, CancellationToken cancellationToken)
    {
        var subject = Subject();
        var previous = state.State.Record;
        var decision = Registration.Decide(previous, subject, command.Signer, command.Manifest, clock.GetUtcNow());
        if (decision.Rejection is null && await MissingModuleAsync(command.Manifest.Runtime, cancellationToken) is { } missing)
        {
            decision = decision with { Next = previous, Outcome = RegistrationOutcome.Unchanged, Rejection = RegistrationRejection.InvalidManifest, Errors = [missing] };
        }

        if (decision.Rejection is null)
        {
            // Embedding before the write stores the record and its embeddings together (also repairs missing ones).
            var embedded = await RefreshEmbeddingsAsync(decision.Next!, cancellationToken);
            if (decision.Outcome != RegistrationOutcome.Unchanged || embedded)
            {
                state.State.Record = decision.Next;
                await state.WriteStateAsync(cancellationToken);
            }

            if (decision.Outcome != RegistrationOutcome.Unchanged)
            {
                LogRegistered(logger, subject.Value, decision.Outcome, decision.Next!.Version);
            }

            // Also when unchanged: registering again repairs a roster or index update lost to a crash after the write above.
            await Rosters.SyncAsync(GrainFactory, previous, decision.Next!);
            await SyncDiscoveryAsync(previous, decision.Next!);
        }

        return decision;
    }

    async Task<DeregistrationDecision> IAgentGrain.DeregisterAsync(Did signer, CancellationToken cancellationToken)
    {
        var subject = Subject();
        var decision = Deregistration.Decide(state.State.Record, subject, signer, clock.GetUtcNow());
        if (decision.Rejection is null && decision.Outcome == DeregistrationOutcome.Deregistered)
        {
            state.State.Record = decision.Next;
            await state.WriteStateAsync(cancellationToken);
            LogDeregistered(logger, subject.Value, decision.Next!.Version);
        }

        if (decision.Rejection is null)
        {
            await Rosters.SyncAsync(GrainFactory, decision.Next, decision.Next!);
            await SyncDiscoveryAsync(decision.Next, decision.Next!);
        }

        return decision;
    }

    ValueTask<AgentRecord?> IAgentGrain.GetAsync() => ValueTask.FromResult(state.State.Record);

    /// <summary>A hosted agent's module must be stored (and so have passed the ABI check) before the agent can register.</summary>
    private async Task<ManifestError?> MissingModuleAsync(AgentRuntime runtime, CancellationToken cancellationToken) =>
        runtime is { Kind: RuntimeKind.Wasm, ModuleHash: { } hex } && Hash32.TryParse(hex, out var hash) && !await modules.ExistsAsync(hash, cancellationToken)
            ? new ManifestError("runtime/moduleHash", $"no module {hex} is stored: upload it first (PUT /v1/modules)")
            : null;

    private Did Subject() =>
        Did.TryParse(this.GetPrimaryKeyString(), out var subject, out _)
            ? subject
            // Keys come from the gateway, which validates them; a bad one here is a caller bug.
            : throw new InvalidOperationException("An agent grain's key must be a did:key.");

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Agent {Did} {Outcome} at version {Version}")]
    private static partial void LogRegistered(ILogger logger, string did, RegistrationOutcome outcome, int version);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Agent {Did} deregistered at version {Version}")]
    private static partial void LogDeregistered(ILogger logger, string did, int version);
}
