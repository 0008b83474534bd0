using Ainur.Grains.Modules;
using Ainur.Protocol.Hashing;
using Wasmtime;

namespace Ainur.Grains.Runtime;

/// <summary>
/// Compiled modules for this silo's executions: from the engine's cache, else fetched from the module store and compiled
/// once. A module marked non-deterministic is not run.
/// </summary>
public sealed class ModuleLoader(WasmEngine engine, IModuleStore store)
{
    /// <summary>The module, or why it cannot run (not stored, does not compile, marked non-deterministic).</summary>
    public async Task<(Module? Module, string? Unavailable)> LoadAsync(Hash32 hash, CancellationToken cancellationToken = default)
    {
        if (engine.Cached(hash) is { } cached)
        {
            return (cached, null);
        }

        var stored = await store.GetAsync(hash, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return (null, $"no module {hash} is stored");
        }

        if (stored.NonDeterministic is { } why)
        {
            return (null, $"module {hash} was marked non-deterministic: {why}");
        }

        var compiled = engine.Compile(stored.Bytes);
        return compiled.Module is { } module
            ? (engine.Cache(hash, module), null)
            : (null, $"module {hash} does not compile here: {compiled.Refusal!.Code}: {compiled.Refusal.Detail}");
    }

    /// <summary>Marks the module non-deterministic in the store and stops this silo running it.</summary>
    public async Task MarkNonDeterministicAsync(Hash32 hash, string detail, CancellationToken cancellationToken = default)
    {
        await store.MarkNonDeterministicAsync(hash, detail, cancellationToken).ConfigureAwait(false);
        engine.Forget(hash);
    }
}
