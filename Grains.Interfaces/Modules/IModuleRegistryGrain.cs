using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans.Concurrency;

namespace Ainur.Grains.Interfaces.Modules;

/// <summary>
/// The module store's front (a stateless worker on each silo, key 0): uploads are compiled by the silo's engine and
/// checked against the ABI before anything is stored (docs/ari.md).
/// </summary>
[Alias("ainur.IModuleRegistryGrain")]
public interface IModuleRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Stores <paramref name="bytes"/> under their Blake2b-256 hash when they compile and satisfy the ABI; a refusal
    /// stores nothing. Idempotent: the same bytes again answer Created = false.
    /// </summary>
    [Alias("Upload")]
    Task<ModuleUpload> UploadAsync([Immutable] byte[] bytes, Did uploader);

    /// <summary>The stored module, or null.</summary>
    [Alias("Get")]
    Task<ModuleView?> GetAsync(Hash32 hash);

    /// <summary>Whether a module is stored under <paramref name="hash"/>.</summary>
    [Alias("Exists")]
    Task<bool> ExistsAsync(Hash32 hash);

    /// <summary>
    /// Marks the module non-deterministic (the first mark's detail stays): no silo loads it again, and this silo drops its
    /// compiled copy (a silo that compiled it before keeps its copy until evicted).
    /// </summary>
    [Alias("MarkNonDeterministic")]
    Task MarkNonDeterministicAsync(Hash32 hash, string detail);
}

/// <summary>An upload's outcome: the hash, whether it was new, or why it was refused (a stable code and a detail).</summary>
[GenerateSerializer, Immutable, Alias("ainur.ModuleUpload")]
public sealed record ModuleUpload(
    [property: Id(0)] Hash32 Hash,
    [property: Id(1)] bool Created,
    [property: Id(2)] string? RefusalCode,
    [property: Id(3)] string? RefusalDetail);

/// <summary>A stored module: bytes, first uploader and time, and the reason it was marked non-deterministic (null: not marked).</summary>
[GenerateSerializer, Immutable, Alias("ainur.ModuleView")]
public sealed record ModuleView(
    [property: Id(0)] Hash32 Hash,
    [property: Id(1)] byte[] Bytes,
    [property: Id(2)] string UploadedBy,
    [property: Id(3)] DateTimeOffset UploadedAt,
    [property: Id(4)] string? NonDeterministic);
