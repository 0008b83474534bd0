using Ainur.Grains.Interfaces.Modules;
using Ainur.Grains.Runtime;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans.Concurrency;

namespace Ainur.Grains.Modules;

/// <summary>See <see cref="IModuleRegistryGrain"/>: compiles on the silo that takes the upload, then stores.</summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class ModuleRegistryGrain(WasmEngine engine, IModuleStore store, ModuleLoader loader) : Grain, IModuleRegistryGrain
{
    public async Task<ModuleUpload> UploadAsync(byte[] bytes, Did uploader)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var hash = Blake2b.Content(bytes);
        if (await store.ExistsAsync(hash))
        {
            return new ModuleUpload(hash, false, null, null);
        }

        // Compiling is CPU work on bytes anyone may send: off the grain's scheduler.
        var compiled = await Task.Run(() => engine.Compile(bytes));
        if (compiled.Module is not { } module)
        {
            return new ModuleUpload(hash, false, compiled.Refusal!.Code, compiled.Refusal.Detail);
        }

        engine.Cache(hash, module);
        var created = await store.PutAsync(hash, bytes, uploader.Value);
        return new ModuleUpload(hash, created, null, null);
    }

    public async Task<ModuleView?> GetAsync(Hash32 hash) =>
        await store.GetAsync(hash) is { } m ? new ModuleView(m.Hash, m.Bytes, m.UploadedBy, m.UploadedAt, m.NonDeterministic) : null;

    public Task<bool> ExistsAsync(Hash32 hash) => store.ExistsAsync(hash);

    public Task MarkNonDeterministicAsync(Hash32 hash, string detail) => loader.MarkNonDeterministicAsync(hash, detail);
}
