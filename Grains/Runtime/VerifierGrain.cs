using Ainur.Grains.Interfaces.Runtime;
using Orleans.Concurrency;

namespace Ainur.Grains.Runtime;

/// <summary>See <see cref="IVerifierGrain"/>: placed away from the first execution's silo, it runs on its own silo's executor.</summary>
[AwayFromSiloPlacement]
[Reentrant]
internal sealed class VerifierGrain : Grain, IVerifierGrain
{
    // The executor is a stateless worker: called from here, it runs on this grain's silo.
    public Task<ExecutionReport> ReexecuteAsync(ExecutionRequest request) =>
        GrainFactory.GetGrain<IExecutorGrain>(0).ExecuteAsync(request with { LogTask = null });
}
