using Ainur.Grains.Modules;
using Ainur.Grains.Runtime;
using Ainur.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Ainur.Silo.Runtime;

/// <summary>Registers the hosted WebAssembly runtime on a silo: one engine, the module loader, the module store.</summary>
public static class WasmSiloBuilderExtensions
{
    /// <summary>Adds the runtime from <c>Ainur:Wasm</c>; the module store follows the node's storage.</summary>
    public static ISiloBuilder AddAinurWasm(this ISiloBuilder silo, AinurOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        silo.Services.TryAddSingleton(options.Wasm);
        silo.Services.TryAddSingleton<WasmEngine>();
        silo.Services.TryAddSingleton<ModuleLoader>();
        silo.Services.TryAddSingleton<ExecutorFaults>();
        silo.AddPlacementDirector<AwayFromSiloPlacementStrategy, AwayFromSiloPlacementDirector>();
        if (options.Storage == AinurStorage.Postgres)
        {
            silo.Services.TryAddSingleton<IModuleStore>(provider => new PostgresModuleStore(provider.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            silo.Services.TryAddSingleton<IModuleStore, InMemoryModuleStore>();
        }

        return silo;
    }
}
