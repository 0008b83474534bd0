using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans.Concurrency;

namespace Ainur.Grains.Interfaces.Tasks;

/// <summary>
/// The agents offering one capability (key: the capability id) and the assignment among them: agents that are
/// registered and not deregistered, ask at most the task's maxPrice, declare an input schema the input satisfies,
/// hold the minimum stake, and did not fail the task before; ranked by reputation score, then fewest tasks in flight.
/// The roster is durable; in-flight counts are soft (reset on restart).
/// </summary>
[Alias("ainur.ICapabilityRosterGrain")]
public interface ICapabilityRosterGrain : IGrainWithStringKey
{
    /// <summary>Adds or updates an agent's entry (from its registration).</summary>
    [Alias("Upsert")]
    Task UpsertAsync(RosterEntry entry);

    /// <summary>Removes an agent (its manifest no longer lists the capability).</summary>
    [Alias("Remove")]
    Task RemoveAsync(Did agent);

    /// <summary>The distinct input schemas agents declare for this capability.</summary>
    [Alias("GetSchemas")]
    Task<ImmutableArray<CapabilitySchema>> GetSchemasAsync();

    /// <summary>
    /// Chooses an agent for a task, or null when none is eligible now; counts the task in the agent's flight. With
    /// <paramref name="deterministic"/>, only agents that declare the capability deterministic are eligible.
    /// </summary>
    [Alias("Pick")]
    Task<RosterPick?> PickAsync(long maxPrice, ImmutableArray<Hash32> schemas, ImmutableArray<Did> exclude, bool deterministic);

    /// <summary>Chooses up to <paramref name="count"/> eligible agents, other than <paramref name="exclude"/>, to judge a dispute.</summary>
    [Alias("PickVerifiers")]
    Task<ImmutableArray<Did>> PickVerifiersAsync(int count, ImmutableArray<Did> exclude);

    /// <summary>An attempt of <paramref name="agent"/> ended: one task fewer in its flight.</summary>
    [Alias("Done")]
    Task DoneAsync(Did agent);

    /// <summary>Every agent in the roster, active or not (what a discovery shard rebuilds from).</summary>
    [AlwaysInterleave, Alias("Agents")]
    Task<ImmutableArray<Did>> AgentsAsync();

    /// <summary>The tasks in flight of each of <paramref name="agents"/> (0 for one with none).</summary>
    [AlwaysInterleave, Alias("InFlight")]
    Task<ImmutableArray<int>> InFlightAsync(ImmutableArray<Did> agents);

    /// <summary>Whether <paramref name="agent"/> declares this capability deterministic (null when it is not in the roster).</summary>
    [Alias("IsDeterministic")]
    Task<bool?> IsDeterministicAsync(Did agent);

    /// <summary><paramref name="agent"/>'s entry (null when it is not in the roster).</summary>
    [Alias("GetEntry")]
    Task<RosterEntry?> GetEntryAsync(Did agent);
}

/// <summary>
/// An agent's offer of the capability: its price, the hash of its input schema, whether it is deterministic, and for a
/// hosted agent the hash of its WebAssembly module (null: a remote agent, which takes its tasks from its feed).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.RosterEntry")]
public sealed record RosterEntry(
    [property: Id(0)] Did Agent,
    [property: Id(1)] long Price,
    [property: Id(2)] Hash32 InputSchemaHash,
    [property: Id(3)] string InputSchema,
    [property: Id(4)] bool Deterministic,
    [property: Id(5)] bool Active,
    [property: Id(6)] string? ModuleHash = null);

/// <summary>
/// A distinct input schema of the capability: its text and <see cref="Blake2b.Content"/> hash, and whether an agent
/// declaring it declares the capability deterministic.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.CapabilitySchema")]
public sealed record CapabilitySchema([property: Id(0)] Hash32 Hash, [property: Id(1)] string Schema, [property: Id(2)] bool Deterministic = false);

/// <summary>The chosen agent and its price; for a hosted agent, its module's hash.</summary>
[GenerateSerializer, Immutable, Alias("ainur.RosterPick")]
public sealed record RosterPick([property: Id(0)] Did Agent, [property: Id(1)] long Price, [property: Id(2)] Hash32? Module = null);
