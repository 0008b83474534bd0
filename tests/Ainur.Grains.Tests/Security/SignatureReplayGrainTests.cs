using Ainur.Grains.Interfaces.Security;
using Ainur.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Ainur.Grains.Tests.Security;

public sealed class SignatureReplayGrainTests
{
    /// <summary>
    /// Every signed request goes through this grain. A non-reentrant stateless worker runs one store round trip per
    /// local activation (one per core), so a commit-bound store capped the whole gateway: checks must overlap.
    /// </summary>
    [Fact]
    public async Task TryRecord_ConcurrentChecks_ReachTheStoreTogether()
    {
        var concurrent = (Environment.ProcessorCount * 4) + 8;
        var store = new RendezvousStore(concurrent);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.Services.AddSingleton<ISeenSignatureStore>(store));
        using var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        try
        {
            var grain = cluster.Client.GetGrain<ISignatureReplayGrain>(0);
            var expiresAt = DateTimeOffset.UtcNow.AddMinutes(5);
            var checks = Enumerable.Range(0, concurrent)
                .Select(i => grain.TryRecordAsync(BitConverter.GetBytes(i), expiresAt, Guid.NewGuid()).AsTask())
                .ToArray();

            var results = await Task.WhenAll(checks).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            Assert.All(results, Assert.True);
        }
        finally
        {
            await cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Answers no call until <c>expected</c> calls are in flight at once; fails them after a timeout.</summary>
    private sealed class RendezvousStore(int expected) : ISeenSignatureStore
    {
        private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public async ValueTask<bool> TryRecordAsync(ReadOnlyMemory<byte> signatureHash, DateTimeOffset expiresAt, Guid requestId, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _arrived) == expected)
            {
                _allArrived.TrySetResult();
            }

            await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            return true;
        }
    }
}
