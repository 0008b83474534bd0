using System.Collections.Concurrent;

namespace Ainur.Grains.Threading;

/// <summary>
/// A few threads of its own for work that holds a core for long (encoding text, running WebAssembly, checking a
/// hostile input schema), so that callers await it instead of holding a thread of the shared pool. Grains run their
/// turns on that pool: MiniLM encodings of 1.7–3.8 s inside agent grains' turns took every thread of a loaded two-core
/// silo during a burst of registrations, and each of its grains stopped answering (the failover test saw ~20 s). Here
/// the operating system shares the cores between these threads and the pool's.
/// </summary>
/// <remarks>
/// Work whose caller gave up before a thread took it is not run. With a capacity, a full queue refuses at once
/// (<see cref="TryRun{T}"/> answers null); without one, callers bound what they send (the executor's slots; one
/// registration at a time per agent grain; rate-limited discovery queries).
/// </remarks>
public sealed class DedicatedThreads : IDisposable
{
    private readonly BlockingCollection<Work> _queue;
    private readonly Thread[] _threads;
    private int _running;
    private int _peak;

    /// <summary>Starts <paramref name="count"/> background threads named <paramref name="name"/>-0, -1, ….</summary>
    /// <param name="count">How many threads, and so how much work runs at once.</param>
    /// <param name="name">The threads' name.</param>
    /// <param name="capacity">How much work may wait; null: no bound.</param>
    /// <param name="stackBytes">Each thread's stack; 0: the runtime's default.</param>
    public DedicatedThreads(int count, string name, int? capacity = null, int stackBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _queue = capacity is { } bound ? new BlockingCollection<Work>(Math.Max(1, bound)) : [];
        _threads = [.. Enumerable.Range(0, count).Select(i => new Thread(Serve, stackBytes) { IsBackground = true, Name = $"{name}-{i}" })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>The threads; no more work than this runs at once.</summary>
    public int Count => _threads.Length;

    /// <summary>The most work that ever ran at once (at most <see cref="Count"/>).</summary>
    public int PeakRunning => Volatile.Read(ref _peak);

    /// <summary>The result of <paramref name="work"/>, run on one of the threads; null when the queue is full.</summary>
    public Task<T>? TryRun<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        var queued = new Work<T>(work, cancellationToken);
        return _queue.TryAdd(queued) ? queued.Completion : null;
    }

    /// <summary>The result of <paramref name="work"/>, run on one of the threads; waits for room in a bounded queue.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        var queued = new Work<T>(work, cancellationToken);
        _queue.Add(queued, cancellationToken);
        return queued.Completion;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _queue.CompleteAdding();
        // A thread still inside its work after the wait keeps the queue: disposing it under the thread would throw on
        // that background thread and end the process during shutdown.
        if (_threads.All(thread => thread.Join(TimeSpan.FromSeconds(5))))
        {
            _queue.Dispose();
        }
    }

    private void Serve()
    {
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            var running = Interlocked.Increment(ref _running);
            InterlockedMax(ref _peak, running);
            try
            {
                work.Run();
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var before = Interlocked.CompareExchange(ref target, value, seen);
            if (before == seen)
            {
                return;
            }

            seen = before;
        }
    }

    private abstract class Work
    {
        public abstract void Run();
    }

    private sealed class Work<T>(Func<T> work, CancellationToken cancellationToken) : Work
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Completion => _done.Task;

        public override void Run()
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _done.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                _done.TrySetResult(work());
            }
            catch (Exception e)
            {
                _done.TrySetException(e);
            }
        }
    }
}
