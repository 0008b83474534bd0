using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Modules;

/// <summary>
/// WebAssembly modules by content hash (<see cref="Blake2b.Content"/> of the bytes), shared by every silo. Writes are
/// idempotent: the same bytes again change nothing; different bytes cannot have the same hash.
/// </summary>
public interface IModuleStore
{
    /// <summary>Stores <paramref name="bytes"/> under <paramref name="hash"/> (which the caller computed); true when it was new.</summary>
    Task<bool> PutAsync(Hash32 hash, byte[] bytes, string uploadedBy, CancellationToken cancellationToken = default);

    /// <summary>The module, or null when none is stored under <paramref name="hash"/>.</summary>
    Task<StoredModule?> GetAsync(Hash32 hash, CancellationToken cancellationToken = default);

    /// <summary>Whether a module is stored under <paramref name="hash"/>.</summary>
    Task<bool> ExistsAsync(Hash32 hash, CancellationToken cancellationToken = default);

    /// <summary>Marks the module non-deterministic (the first mark's detail stays); no-op for an unknown hash.</summary>
    Task MarkNonDeterministicAsync(Hash32 hash, string detail, CancellationToken cancellationToken = default);
}

/// <summary>A stored module: its bytes, who uploaded it first and when, and whether it proved non-deterministic.</summary>
public sealed record StoredModule(Hash32 Hash, byte[] Bytes, string UploadedBy, DateTimeOffset UploadedAt, string? NonDeterministic);
