using Ainur.Grains.Storage.GroupCommit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Ainur.Silo.Hosting;

/// <summary>Registers group-commit grain stores (<see cref="GroupCommitGrainStorage"/>) for the hot-path grains.</summary>
public static class GroupCommitStorageExtensions
{
    /// <summary>
    /// Adds the grain store <paramref name="name"/>, group-committed to <c>ainur_grain_state</c> in the database at
    /// <paramref name="connectionString"/> (migration 0006 applied), rows keyed by the silo's ServiceId. State is
    /// written with Orleans' binary serializer, which writes type aliases. A second call for the same name changes nothing.
    /// </summary>
    public static ISiloBuilder AddAinurGroupCommitStorage(
        this ISiloBuilder silo, string name, string connectionString, Action<GroupCommitStorageOptions>? configure = null) =>
        silo.ConfigureServices(services => services.AddAinurGroupCommitStorage(name, connectionString, configure));

    /// <inheritdoc cref="AddAinurGroupCommitStorage(ISiloBuilder, string, string, Action{GroupCommitStorageOptions}?)"/>
    public static IServiceCollection AddAinurGroupCommitStorage(
        this IServiceCollection services, string name, string connectionString, Action<GroupCommitStorageOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (services.Any(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name)))
        {
            return services;
        }

        var options = new GroupCommitStorageOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        options.Validate();
        services.AddMetrics();
        services.TryAddSingleton<GroupCommitMetrics>();
        return services.AddGrainStorage(name, (provider, key) => new GroupCommitGrainStorage(
            key,
            options,
            provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            new OrleansGrainStorageSerializer(provider.GetRequiredService<Serializer>()),
            provider.GetRequiredService<IActivatorProvider>(),
            provider.GetRequiredService<GroupCommitMetrics>(),
            provider.GetRequiredService<ILogger<GroupCommitGrainStorage>>()));
    }
}
