using Ainur.Grains.Interfaces.Tasks;
using Ainur.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Metadata;
using Orleans.Runtime;

namespace Ainur.Gateway.Tests.Hosting;

public sealed class GrainInterfaceTypeCacheTests
{
    [Fact]
    public void Resolver_WithTheCache_GivesWhatOrleansGivesWithout()
    {
        using var plain = ClientServices(cache: false);
        using var cached = ClientServices(cache: true);

        foreach (var type in new[] { typeof(ITaskGrain), typeof(ICapabilityRosterGrain), typeof(IAgentFeedGrain) })
        {
            var expected = plain.GetRequiredService<GrainInterfaceTypeResolver>().GetGrainInterfaceType(type);
            var resolver = cached.GetRequiredService<GrainInterfaceTypeResolver>();

            Assert.Equal(expected, resolver.GetGrainInterfaceType(type));
            Assert.Equal(expected, resolver.GetGrainInterfaceType(type));
        }
    }

    [Fact]
    public void Provider_IsAskedOncePerType_InTheOrderRegistered()
    {
        var first = new CountingProvider(typeof(ITaskGrain), GrainInterfaceType.Create("first"));
        var second = new CountingProvider(typeof(ITaskGrain), GrainInterfaceType.Create("second"));
        var services = new ServiceCollection();
        services.AddSingleton<IGrainInterfaceTypeProvider>(first);
        services.AddSingleton<IGrainInterfaceTypeProvider>(_ => second);
        services.CacheGrainInterfaceTypes();
        using var provider = services.BuildServiceProvider();
        var cache = Assert.Single(provider.GetServices<IGrainInterfaceTypeProvider>());

        for (var i = 0; i < 3; i++)
        {
            Assert.True(cache.TryGetGrainInterfaceType(typeof(ITaskGrain), out var answer));
            Assert.Equal(GrainInterfaceType.Create("first"), answer);
            Assert.False(cache.TryGetGrainInterfaceType(typeof(IAgentFeedGrain), out _));
        }

        Assert.Equal(2, first.Calls);
        Assert.Equal(1, second.Calls);
    }

    private static ServiceProvider ClientServices(bool cache)
    {
        var services = new ServiceCollection();
        services.AddOrleansClient(client =>
        {
            client.UseLocalhostClustering();
            if (cache)
            {
                client.Services.CacheGrainInterfaceTypes();
            }
        });
        return services.BuildServiceProvider();
    }

    private sealed class CountingProvider(Type known, GrainInterfaceType answer) : IGrainInterfaceTypeProvider
    {
        public int Calls { get; private set; }

        public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
        {
            Calls++;
            grainInterfaceType = type == known ? answer : default;
            return type == known;
        }
    }
}
