using System.Collections.Immutable;
using System.Text;
using System.Threading.Channels;
using Ainur.Grains.Interfaces.Runtime;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Modules;
using Orleans.Concurrency;

namespace Ainur.Grains.Runtime;

/// <summary>
/// See <see cref="IExecutorGrain"/>. A stateless worker, so each call runs on the caller's silo; reentrant, so one
/// activation serves many executions, each on the thread pool (Wasmtime's call blocks its thread) and bounded by the
/// engine's slots. Log lines go to the task's log grain while the module runs.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class ExecutorGrain(WasmEngine engine, ModuleLoader modules, ILocalSiloDetails silo, ExecutorFaults faults) : Grain, IExecutorGrain
{
    public async Task<ExecutionReport> ExecuteAsync(ExecutionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (module, unavailable) = await modules.LoadAsync(request.Module);
        if (module is null)
        {
            return Report(new ExecutionOutcome(null, null, ExecutionFailure.ModuleUnavailable, unavailable, 0, [], TimeSpan.Zero));
        }

        var live = request.LogTask is null ? null : Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var forwarding = live is null ? Task.CompletedTask : ForwardAsync(live.Reader, request.LogTask!.Value);
        var input = Encoding.UTF8.GetBytes(request.Input);
        var fuel = request.Fuel ?? engine.Settings.DefaultFuel;
        ExecutionOutcome outcome;
        // The client's own bound first, so that its waiting executions hold none of the silo's slots.
        using var clientSlot = await engine.ClientSlots.EnterAsync(request.Client);
        await engine.Slots.WaitAsync();
        try
        {
            outcome = await engine.Threads.RunAsync(() => engine.Execute(module, input, fuel, live?.Writer));
        }
        finally
        {
            engine.Slots.Release();
            live?.Writer.TryComplete();
        }

        await forwarding;
        return Report(faults.Tamper?.Invoke(request, outcome) ?? outcome);
    }

    public Task<RuntimeHealth> GetHealthAsync()
    {
        var s = engine.Settings;
        return Task.FromResult(new RuntimeHealth(silo.SiloAddress.ToParsableString(), WasmEngine.Description, engine.CachedModules, engine.InFlight, engine.Executions,
            new RuntimeLimits(s.DefaultFuel, s.MaxFuel, s.MemoryBytes, s.WallClock, s.OutputBytes, s.InputBytes, s.LogLines, s.LogBytes, s.ModuleBytes)));
    }

    /// <summary>Sends the lines to the task's log as they come, each batch what is waiting (best effort: logs are soft).</summary>
    private async Task ForwardAsync(ChannelReader<string> lines, Hash32 task)
    {
        var log = GrainFactory.GetGrain<ITaskLogGrain>(task.ToString());
        var batch = ImmutableArray.CreateBuilder<string>();
        while (await lines.WaitToReadAsync())
        {
            while (lines.TryRead(out var line))
            {
                batch.Add(line);
            }

            try
            {
                await log.AppendAsync(batch.DrainToImmutable());
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Lost lines only: the execution's outcome does not depend on its log.
            }
        }
    }

    private ExecutionReport Report(ExecutionOutcome outcome) => new(
        outcome.Output, outcome.OutputHash, outcome.FailureCode, outcome.FailureDetail, outcome.FuelUsed, outcome.Log, silo.SiloAddress.ToParsableString(), outcome.Elapsed);
}
