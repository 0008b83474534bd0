using Ainur.Protocol.Identity;

namespace Ainur.LoadTests.Tools;

/// <summary>
/// A scenario that owns keys (<see cref="NewKeys"/>) and agent loops (<see cref="Serve"/>): disposing it stops the loops,
/// waits for them, then disposes the keys.
/// </summary>
internal abstract class OwningScenario : ILoadScenario
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<AgentKey> _keys = [];
    private Task _loops = Task.CompletedTask;

    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>Cancelled when the scenario is disposed: what the agent loops run until.</summary>
    protected CancellationToken Stopping => _stop.Token;

    public abstract Task<LoadOperation> PrepareAsync(int concurrency);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loops;
        _stop.Dispose();
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    /// <summary><paramref name="count"/> new keys, disposed with the scenario.</summary>
    protected AgentKey[] NewKeys(int count)
    {
        var keys = Enumerable.Range(0, count).Select(_ => AgentKey.Generate()).ToArray();
        _keys.AddRange(keys);
        return keys;
    }

    /// <summary>Keeps the agent loops (run until <see cref="Stopping"/>) to wait for at disposal.</summary>
    protected void Serve(IEnumerable<Task> loops) => _loops = Task.WhenAll(loops);
}
