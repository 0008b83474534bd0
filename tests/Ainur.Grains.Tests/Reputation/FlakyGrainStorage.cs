using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Ainur.Grains.Tests.Reputation;

/// <summary>Which of the next grain-state writes fail or wait, shared by every silo's <see cref="FlakyGrainStorage"/>.</summary>
internal sealed class WriteFaults
{
    private readonly Dictionary<string, (int Skip, WriteHold Hold)> _holds = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _stored = new();
    private int _failBefore;
    private int _failAfter;

    /// <summary>
    /// The write of the grain keyed <paramref name="grainKey"/> after the next <paramref name="skip"/> ones waits, before
    /// anything is stored, until the returned hold lets it go (stored) or loses it.
    /// </summary>
    public WriteHold HoldWriteOf(string grainKey, int skip = 0)
    {
        var hold = new WriteHold();
        lock (_holds)
        {
            _holds[grainKey] = (skip, hold);
        }

        return hold;
    }

    /// <summary>The hold for this write of <paramref name="grainKey"/>, if it is the one to hold.</summary>
    public WriteHold? TakeHold(string grainKey)
    {
        lock (_holds)
        {
            if (!_holds.TryGetValue(grainKey, out var entry))
            {
                return null;
            }

            if (entry.Skip > 0)
            {
                _holds[grainKey] = (entry.Skip - 1, entry.Hold);
                return null;
            }

            _holds.Remove(grainKey);
            return entry.Hold;
        }
    }

    /// <summary>Writes of the grain keyed <paramref name="grainKey"/> that reached storage.</summary>
    public int StoredWritesOf(string grainKey) => _stored.GetValueOrDefault(grainKey);

    public void CountStored(string grainKey) => _stored.AddOrUpdate(grainKey, 1, (_, n) => n + 1);

    /// <summary>The next write fails without storing anything: a lost request.</summary>
    public void FailNextBeforeStoring() => Interlocked.Increment(ref _failBefore);

    /// <summary>The next write is stored, then fails: a lost answer (the caller cannot tell it from a lost request).</summary>
    public void FailNextAfterStoring() => Interlocked.Increment(ref _failAfter);

    public bool TakeBefore() => Take(ref _failBefore);

    public bool TakeAfter() => Take(ref _failAfter);

    private static bool Take(ref int pending)
    {
        int seen;
        do
        {
            seen = Volatile.Read(ref pending);
            if (seen == 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref pending, seen - 1, seen) != seen);

        return true;
    }
}

/// <summary>One held write: <see cref="Reached"/> once it waits; <see cref="Store"/> or <see cref="Lose"/> ends the wait.</summary>
internal sealed class WriteHold
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _store = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the held write has started and waits.</summary>
    public Task Reached => _reached.Task;

    /// <summary>Whether the write, once stored, fails anyway (<see cref="StoreAndLoseAnswer"/>).</summary>
    public bool LosesAnswer { get; private set; }

    /// <summary>The write goes on to the real store.</summary>
    public void Store() => _store.TrySetResult(true);

    /// <summary>The write is stored, then fails: a lost answer.</summary>
    public void StoreAndLoseAnswer()
    {
        LosesAnswer = true;
        _store.TrySetResult(true);
    }

    /// <summary>The write fails without storing anything.</summary>
    public void Lose() => _store.TrySetResult(false);

    /// <summary>Called by the store: waits for the decision; true to store.</summary>
    public Task<bool> WaitAsync()
    {
        _reached.TrySetResult();
        return _store.Task;
    }
}

/// <summary>A grain storage that passes everything to the real one, except the writes <see cref="WriteFaults"/> says to fail or hold.</summary>
internal sealed class FlakyGrainStorage(IGrainStorage inner, WriteFaults faults) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Replaces the store named <paramref name="name"/> on <paramref name="silo"/> with a flaky wrapper of itself.</summary>
    public static void Wrap(ISiloBuilder silo, string name, WriteFaults faults)
    {
        var real = silo.Services.Last(d => d.IsKeyedService && Equals(d.ServiceKey, name) && d.ServiceType == typeof(IGrainStorage));
        silo.Services.Remove(real);
        silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, key) =>
            new FlakyGrainStorage((IGrainStorage)real.KeyedImplementationFactory!(services, key), faults));
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (faults.TakeBefore())
        {
            throw new TimeoutException("Injected: the write was lost before it reached the database.");
        }

        var hold = faults.TakeHold(grainId.Key.ToString()!);
        if (hold is not null && !await hold.WaitAsync())
        {
            throw new TimeoutException("Injected: the write was lost before it reached the database.");
        }

        await inner.WriteStateAsync(stateName, grainId, grainState);
        faults.CountStored(grainId.Key.ToString()!);
        if (faults.TakeAfter() || hold?.LosesAnswer == true)
        {
            throw new TimeoutException("Injected: the write was stored but its answer was lost.");
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    // The real store opens its connections in the silo's lifecycle, which reaches it through this wrapper.
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
}
