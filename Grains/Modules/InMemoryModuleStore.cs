using System.Collections.Concurrent;
using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Modules;

/// <summary><see cref="IModuleStore"/> for memory storage (tests, throwaway nodes): one silo's process only.</summary>
public sealed class InMemoryModuleStore(TimeProvider clock) : IModuleStore
{
    private readonly ConcurrentDictionary<Hash32, StoredModule> _modules = new();

    /// <inheritdoc/>
    public Task<bool> PutAsync(Hash32 hash, byte[] bytes, string uploadedBy, CancellationToken cancellationToken = default) =>
        Task.FromResult(_modules.TryAdd(hash, new StoredModule(hash, [.. bytes], uploadedBy, clock.GetUtcNow(), null)));

    /// <inheritdoc/>
    public Task<StoredModule?> GetAsync(Hash32 hash, CancellationToken cancellationToken = default) =>
        Task.FromResult(_modules.GetValueOrDefault(hash));

    /// <inheritdoc/>
    public Task<bool> ExistsAsync(Hash32 hash, CancellationToken cancellationToken = default) => Task.FromResult(_modules.ContainsKey(hash));

    /// <inheritdoc/>
    public Task MarkNonDeterministicAsync(Hash32 hash, string detail, CancellationToken cancellationToken = default)
    {
        if (_modules.TryGetValue(hash, out var module) && module.NonDeterministic is null)
        {
            _modules[hash] = module with { NonDeterministic = detail };
        }

        return Task.CompletedTask;
    }
}
