using System.Collections.Concurrent;
using Ainur.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// A few dedicated threads that run input-schema checks, with a bounded queue in front. A check is CPU work that cannot
/// be interrupted once JsonSchema.Net runs it; on the shared thread pool, many hostile checks at once would take the
/// threads that the co-hosted silo (the ledger's validators) and other requests need. Here they take at most
/// <see cref="Workers"/> threads, each with a large stack, and a full queue refuses at once instead of queueing without end.
/// </summary>
public sealed class SchemaCheckPool : IDisposable
{
    // Far above what a check may nest (InputSchemas.MaxNesting): a stack overflow ends the process.
    private const int StackBytes = 16 * 1024 * 1024;

    private readonly BlockingCollection<Work> _queue;
    private readonly Thread[] _threads;
    private int _running;
    private int _peak;

    /// <summary>Starts the workers.</summary>
    public SchemaCheckPool(IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        Workers = settings.SchemaCheckWorkers > 0 ? settings.SchemaCheckWorkers : Math.Max(1, Environment.ProcessorCount / 2);
        _queue = new BlockingCollection<Work>(Math.Max(1, settings.SchemaCheckQueue));
        _threads = [.. Enumerable.Range(0, Workers).Select(i => new Thread(Serve, StackBytes) { IsBackground = true, Name = $"ainur-schema-check-{i}" })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Threads that run checks; no more checks than this run at once.</summary>
    public int Workers { get; }

    /// <summary>The most checks that ever ran at once (at most <see cref="Workers"/>).</summary>
    public int PeakRunning => Volatile.Read(ref _peak);

    /// <summary>
    /// Runs <paramref name="check"/> on a worker; null when the queue is full. A check whose caller gave up
    /// (<paramref name="cancellationToken"/>) before a worker took it is not run.
    /// </summary>
    public Task<T>? TryRun<T>(Func<T> check, CancellationToken cancellationToken)
    {
        var work = new Work<T>(check, cancellationToken);
        return _queue.TryAdd(work) ? work.Completion : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _queue.CompleteAdding();
        // A worker still inside a check after the wait keeps the queue: disposing it under the worker would throw on
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

    private sealed class Work<T>(Func<T> check, CancellationToken cancellationToken) : Work
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
                _done.TrySetResult(check());
            }
            catch (Exception e)
            {
                _done.TrySetException(e);
            }
        }
    }
}
