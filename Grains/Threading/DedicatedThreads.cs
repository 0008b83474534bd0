using System.Collections.Concurrent;

namespace Ainur.Grains.Threading;

/// <summary>
/// A few threads of its own for work that holds a core for long (encoding text, running WebAssembly), so that callers
/// await it instead of holding a thread of the shared pool. Grains run their turns on that pool: MiniLM encodings of
/// 1.7–3.8 s inside agent grains' turns took every thread of a loaded two-core silo during a burst of registrations,
/// and each of its grains stopped answering (the failover test saw ~20 s). Here the operating system shares the cores
/// between these threads and the pool's.
/// </summary>
/// <remarks>
/// The queue is not bounded here: callers bound what they send (the executor's slots; one registration at a time per
/// agent grain; rate-limited discovery queries), and work whose caller gave up before it started is skipped.
/// </remarks>
public sealed class DedicatedThreads : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread[] _threads;

    /// <summary>Starts <paramref name="count"/> background threads named after <paramref name="name"/>.</summary>
    public DedicatedThreads(int count, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _threads = [.. Enumerable.Range(0, count).Select(i => new Thread(Run) { IsBackground = true, Name = $"{name} {i}" })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>The result of <paramref name="work"/>, run on one of the threads.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                done.TrySetResult(work());
            }
            catch (Exception exception)
            {
                done.TrySetException(exception);
            }
        }, cancellationToken);
        return done.Task;
    }

    /// <summary>Lets the threads finish what is queued, then stops them.</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _work.Dispose();
    }

    private void Run()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
