using Ainur.Grains.Discovery;
using Ainur.Grains.Discovery.Embeddings;
using Ainur.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ainur.Silo.Discovery;

/// <summary>Discovery's services on a silo: the embedder, the query cache, the shards' kept answers, standings (refreshed) and settings.</summary>
public static class DiscoverySiloBuilderExtensions
{
    /// <summary>Adds discovery from <paramref name="options"/>; tests may register their own settings first.</summary>
    public static ISiloBuilder AddAinurDiscovery(this ISiloBuilder silo, AinurOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Discovery.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(AinurOptions.Section, typeof(DiscoveryOptions), problems);
        }

        silo.Services.TryAddSingleton(new DiscoverySettings
        {
            PresenceTtl = options.Discovery.PresenceTtl,
            Threshold = options.Discovery.Threshold,
            TopFew = options.Discovery.TopFew,
        });
        silo.Services.TryAddSingleton<ITextEmbedder>(MiniLmEmbedder.Shared);
        silo.Services.TryAddSingleton(provider => new QueryEmbeddings(provider.GetRequiredService<ITextEmbedder>(), options.Discovery.QueryCacheSize));
        silo.Services.TryAddSingleton<IStandingsSource, GrainStandingsSource>();
        silo.Services.TryAddSingleton<Standings>();
        silo.Services.TryAddSingleton<SearchReplica>();
        silo.Services.AddHostedService<StandingsRefresh>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, EmbedderWarmUp>();
        return silo;
    }
}
