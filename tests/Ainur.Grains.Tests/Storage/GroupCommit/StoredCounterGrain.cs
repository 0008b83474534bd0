using Ainur.Grains.Interfaces;
using Orleans.Runtime;

namespace Ainur.Grains.Tests.Storage.GroupCommit;

/// <summary>A counter kept in the hot-path <c>tasks</c> store, to see that store through a real silo.</summary>
[Alias("ainur.tests.IStoredCounterGrain")]
public interface IStoredCounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one and stores the counter before answering; returns the new value.</summary>
    [Alias("Increment")]
    Task<int> IncrementAsync();

    /// <summary>The value as loaded or last stored.</summary>
    [Alias("Get")]
    Task<int> GetAsync();
}

/// <inheritdoc cref="IStoredCounterGrain"/>
public sealed class StoredCounterGrain(
    [PersistentState("counter", AinurStores.Tasks)] IPersistentState<CounterState> state) : Grain, IStoredCounterGrain
{
    async Task<int> IStoredCounterGrain.IncrementAsync()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    Task<int> IStoredCounterGrain.GetAsync() => Task.FromResult(state.State.Value);
}
