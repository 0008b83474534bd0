using System.Collections.Concurrent;

namespace Ainur.Grains.Discovery.Embeddings;

/// <summary>
/// Runs encodings on a few threads of its own, each with its own encoder (made on first use), so that callers await
/// instead of holding a thread. Encoding costs tens of milliseconds of CPU per text, and seconds while an encoder loads:
/// run inside grain turns on the shared thread pool, a burst of agent registrations took every thread of a two-core
/// silo, and each of its grains stopped answering (the failover test saw ~20 s). Here the operating system shares the
/// cores between these threads and the pool's.
/// </summary>
/// <remarks>
/// The queue is not bounded: what waits in it is a caller's grain turn or request, each bounded by the gateway's limits
/// (one registration at a time per agent, rate-limited discovery queries), and a job whose caller gave up is skipped.
/// </remarks>
public sealed class EncoderThreads<TEncoder> : IDisposable
    where TEncoder : class, IDisposable
{
    private readonly BlockingCollection<Job> _jobs = [];
    private readonly Thread[] _threads;
    private readonly Func<TEncoder> _create;
    private readonly Func<TEncoder, string[], float[][]> _encode;

    /// <summary>Starts <paramref name="count"/> threads named after <paramref name="name"/>.</summary>
    public EncoderThreads(int count, string name, Func<TEncoder> create, Func<TEncoder, string[], float[][]> encode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        (_create, _encode) = (create, encode);
        _threads = [.. Enumerable.Range(0, count).Select(i => new Thread(Run) { IsBackground = true, Name = $"{name} {i}" })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>The encoding of <paramref name="texts"/>, computed on one of the threads.</summary>
    public Task<float[][]> EncodeAsync(string[] texts, CancellationToken cancellationToken)
    {
        var job = new Job(texts, new TaskCompletionSource<float[][]>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        _jobs.Add(job, cancellationToken);
        return job.Done.Task;
    }

    /// <summary>Lets the threads finish what is queued, then stops them and disposes their encoders.</summary>
    public void Dispose()
    {
        _jobs.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _jobs.Dispose();
    }

    private void Run()
    {
        TEncoder? encoder = null;
        try
        {
            foreach (var job in _jobs.GetConsumingEnumerable())
            {
                if (job.Cancellation.IsCancellationRequested)
                {
                    job.Done.TrySetCanceled(job.Cancellation);
                    continue;
                }

                try
                {
                    encoder ??= _create();
                    job.Done.TrySetResult(_encode(encoder, job.Texts));
                }
                catch (Exception exception)
                {
                    job.Done.TrySetException(exception);
                }
            }
        }
        finally
        {
            encoder?.Dispose();
        }
    }

    private sealed record Job(string[] Texts, TaskCompletionSource<float[][]> Done, CancellationToken Cancellation);
}
