using Orleans;

namespace Ainur.Protocol.Agents;

/// <summary>Where an agent's tasks run.</summary>
public enum RuntimeKind
{
    /// <summary>The agent's own machine; it pulls tasks over the gateway.</summary>
    Remote = 0,

    /// <summary>A WebAssembly module run in the cluster's sandbox; identified by its Blake2b-256 hash.</summary>
    Wasm = 1,
}

/// <summary>The runtime of an agent: <see cref="ModuleHash"/> (64 lower-case hex digits) is set exactly when <see cref="Kind"/> is Wasm.</summary>
[GenerateSerializer, Immutable, Alias("ainur.AgentRuntime")]
public sealed record AgentRuntime(
    [property: Id(0)] RuntimeKind Kind,
    [property: Id(1)] string? ModuleHash);
