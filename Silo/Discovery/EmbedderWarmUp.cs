using Ainur.Grains.Discovery.Embeddings;
using Orleans.Runtime;

namespace Ainur.Silo.Discovery;

/// <summary>
/// Loads the sentence model while the silo starts, before it serves: the first encoder takes seconds to load, and a
/// registration that waited for it ran past its callers' timeouts (seen as 503s and resent registrations in the fault
/// suite, where every silo process starts cold).
/// </summary>
internal sealed class EmbedderWarmUp(ITextEmbedder embedder) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EmbedderWarmUp), ServiceLifecycleStage.ApplicationServices,
            ct => embedder.EmbedAsync(["warm up"], ct));
}
