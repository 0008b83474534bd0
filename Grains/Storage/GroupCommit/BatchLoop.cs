using System.Threading.Channels;

namespace Ainur.Grains.Storage.GroupCommit;

/// <summary>
/// One loop that takes whatever operations are pending (at most <c>maxBatch</c>) and hands them to <c>commit</c> as
/// one batch, with at most <c>maxInFlight</c> batches running at once. It never waits to fill a batch: a batch goes
/// out as soon as a slot is free, so under light load each operation is a batch of one. An operation whose key is in
/// the batch being filled or in one still running is held, in arrival order, for a later batch: one statement cannot
/// update a row twice, and operations of one key complete in the order they came.
/// </summary>
/// <typeparam name="TItem">A queued operation; the loop completes or fails each exactly once.</typeparam>
/// <typeparam name="TKey">What names an operation's row: two operations with equal keys never share a batch.</typeparam>
/// <remarks>
/// <c>commit</c> completes every operation of the batch; when it throws, every operation of the batch that it did
/// not complete fails with that exception. Batches running together share no key, so they never wait on each
/// other's row locks.
/// </remarks>
internal sealed class BatchLoop<TItem, TKey> : IDisposable
    where TItem : class, IPendingOperation<TKey>
    where TKey : notnull
{
    private readonly Channel<TItem> _queue = Channel.CreateUnbounded<TItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<List<TItem>, CancellationToken, Task> _commit;
    private readonly Action<Exception, int> _failed;
    private readonly int _maxBatch;
    private readonly int _maxInFlight;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _loop;

    // Only the loop touches these.
    private readonly Queue<TItem> _held = new();
    private readonly HashSet<TKey> _busy = [];
    private readonly List<(Task Commit, List<TItem> Batch)> _running = [];

    /// <param name="maxBatch">Most operations in one batch.</param>
    /// <param name="maxInFlight">Most batches running at once.</param>
    /// <param name="commit">Runs one batch; sees each key at most once.</param>
    /// <param name="failed">Hears of each batch that failed as a whole, with its size (for logging).</param>
    public BatchLoop(int maxBatch, int maxInFlight, Func<List<TItem>, CancellationToken, Task> commit, Action<Exception, int> failed)
    {
        _maxBatch = maxBatch;
        _maxInFlight = maxInFlight;
        _commit = commit;
        _failed = failed;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="item"/>; false once <see cref="StopAsync"/> has begun.</summary>
    public bool TryEnqueue(TItem item) => _queue.Writer.TryWrite(item);

    /// <summary>
    /// Takes no more operations and commits those already queued. When <paramref name="ct"/> fires first, the batches in
    /// flight are cancelled and every operation not yet committed fails.
    /// </summary>
    public async Task StopAsync(CancellationToken ct)
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
        }
    }

    /// <summary>Releases the cancellation source; call after <see cref="StopAsync"/>.</summary>
    public void Dispose() => _abort.Dispose();

    private async Task RunAsync()
    {
        Task<bool>? arrival = null;
        try
        {
            while (true)
            {
                if (_running.Count < _maxInFlight && NextBatch() is { } batch)
                {
                    _running.Add((CommitAsync(batch), batch));
                    continue;
                }

                if (_running.Count == 0 && _held.Count == 0 && _queue.Reader.Completion.IsCompleted)
                {
                    return;
                }

                // Wait for a batch to finish (it frees a slot and its keys) or, with a slot free, for new operations.
                var waits = _running.ConvertAll(r => r.Commit);
                if (_running.Count < _maxInFlight && !_queue.Reader.Completion.IsCompleted)
                {
                    // One wait for arrivals at a time: a single-reader channel cancels a pending wait when asked for
                    // another, and each cancellation is an exception.
                    if (arrival is null || arrival.IsCompleted)
                    {
                        arrival = _queue.Reader.WaitToReadAsync(_abort.Token).AsTask();
                    }

                    waits.Add(arrival);
                }

                await Task.WhenAny(waits).ConfigureAwait(false);
                _abort.Token.ThrowIfCancellationRequested();
                Reap();
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Stopping without waiting: the batches running were cancelled; what is still queued fails below.
            await Task.WhenAll(_running.ConvertAll(r => r.Commit)).ConfigureAwait(false);
        }
        finally
        {
            var stopped = new ObjectDisposedException(nameof(BatchLoop<TItem, TKey>), "The store stopped before this operation ran.");
            FailAll(_held, stopped);
            while (_queue.Reader.TryRead(out var item))
            {
                item.Fail(stopped);
            }
        }
    }

    /// <summary>
    /// Held operations first (they arrived earlier), then new ones, skipping keys already in this batch or running.
    /// Every held one is looked at, even once the batch is full, so those it keeps stay in arrival order.
    /// </summary>
    private List<TItem>? NextBatch()
    {
        var batch = new List<TItem>();
        var keys = new HashSet<TKey>();
        for (var held = _held.Count; held > 0; held--)
        {
            Admit(_held.Dequeue(), batch, keys);
        }

        while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var item))
        {
            Admit(item, batch, keys);
        }

        _busy.UnionWith(keys);
        return batch.Count > 0 ? batch : null;
    }

    private void Admit(TItem item, List<TItem> batch, HashSet<TKey> keys)
    {
        if (batch.Count < _maxBatch && !_busy.Contains(item.Key) && keys.Add(item.Key))
        {
            batch.Add(item);
        }
        else
        {
            _held.Enqueue(item);
        }
    }

    /// <summary>Runs one batch; never throws, so the loop only ever sees finished batches.</summary>
    private async Task CommitAsync(List<TItem> batch)
    {
        try
        {
            await _commit(batch, _abort.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _failed(e, batch.Count);
            FailAll(batch, e);
        }
    }

    /// <summary>Forgets the finished batches and frees their keys.</summary>
    private void Reap()
    {
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            if (_running[i].Commit.IsCompleted)
            {
                foreach (var item in _running[i].Batch)
                {
                    _busy.Remove(item.Key);
                }

                _running.RemoveAt(i);
            }
        }
    }

    private static void FailAll(IEnumerable<TItem> items, Exception cause)
    {
        foreach (var item in items)
        {
            item.Fail(cause);
        }
    }
}
