using Ainur.Grains.Interfaces.Security;
using Ainur.Grains.Security;
using Ainur.Grains.Tests.Cluster;
using Ainur.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.Grains.Tests.Security;

/// <summary>The replay guard as <c>AddAinurSilo</c> wires it on PostgreSQL: the group-commit store, stopped with the silo.</summary>
public sealed class SeenSignatureSiloTests
{
    [Fact]
    public async Task PostgresSilo_RecordsThroughTheGroupCommitStore_WhichStopsWithTheSilo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(ct);
        var serviceId = $"replay-{Guid.NewGuid():N}";
        var cluster = await PostgresTestCluster.DeployAsync(serviceId, PostgresClusterFixture.Options(serviceId, database), silos: 1);
        var hash = Guid.NewGuid().ToByteArray();
        var expiresAt = DateTimeOffset.UtcNow.AddMinutes(5);
        PostgresSeenSignatureStore store;
        try
        {
            var services = cluster.Silos[0].ServiceProvider;
            store = Assert.IsType<PostgresSeenSignatureStore>(services.GetRequiredService<ISeenSignatureStore>());
            Assert.Contains(store, services.GetServices<ILifecycleParticipant<ISiloLifecycle>>());

            var grain = cluster.Client.GetGrain<ISignatureReplayGrain>(0);
            Assert.True(await grain.TryRecordAsync(hash, expiresAt, Guid.NewGuid()));
            Assert.False(await grain.TryRecordAsync(hash, expiresAt, Guid.NewGuid()));
        }
        finally
        {
            await cluster.StopAllSilosAsync(ct);
            await cluster.DisposeAsync();
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.TryRecordAsync(hash, expiresAt, Guid.NewGuid(), ct));
    }
}
