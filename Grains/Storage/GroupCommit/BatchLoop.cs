using System.Threading.Channels;

namespace Ainur.Grains.Storage.GroupCommit;

/// <summary>
/// One loop that takes whatever operations are pending (at most <c>maxBatch</c>) and hands them to
/// <c>commit</c> as one batch, one batch at a time. It never waits to fill a batch: a batch goes out as soon as the
/// previous one is done, so under light load each operation is a batch of one. No two operations of one key are in a
/// batch: a later one is held, in arrival order, for the next batch (one statement cannot update a row twice).
/// </summary>
/// <remarks>
/// <c>commit</c> completes every operation of the batch; when it throws, every operation of the batch that it did
/// not complete fails with that exception.
/// </remarks>
internal sealed class BatchLoop<TItem> : IDisposable where TItem : class, IPendingOperation
{
    private readonly Channel<TItem> _queue = Channel.CreateUnbounded<TItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<TItem> _held = new();
    private readonly Func<List<TItem>, CancellationToken, Task> _commit;
    private readonly Action<Exception, int> _failed;
    private readonly int _maxBatch;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _loop;

    /// <param name="maxBatch">Most operations in one batch.</param>
    /// <param name="commit">Runs one batch; sees each key at most once.</param>
    /// <param name="failed">Hears of each batch that failed as a whole, with its size (for logging).</param>
    public BatchLoop(int maxBatch, Func<List<TItem>, CancellationToken, Task> commit, Action<Exception, int> failed)
    {
        _maxBatch = maxBatch;
        _commit = commit;
        _failed = failed;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="item"/>; false once <see cref="StopAsync"/> has begun.</summary>
    public bool TryEnqueue(TItem item) => _queue.Writer.TryWrite(item);

    /// <summary>
    /// Takes no more operations and commits those already queued. When <paramref name="ct"/> fires first, the batch in
    /// flight is cancelled and every operation not yet committed fails.
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
        var batch = new List<TItem>(_maxBatch);
        var keys = new HashSet<StateKey>();
        try
        {
            while (_held.Count > 0 || await _queue.Reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                Fill(batch, keys);
                try
                {
                    await _commit(batch, _abort.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    _failed(e, batch.Count);
                    FailAll(batch, e);
                }

                batch.Clear();
                keys.Clear();
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Stopping without waiting: what is still queued fails below.
        }

        var stopped = new ObjectDisposedException(nameof(BatchLoop<TItem>), "The grain storage stopped before this operation ran.");
        FailAll(_held, stopped);
        while (_queue.Reader.TryRead(out var item))
        {
            item.Fail(stopped);
        }
    }

    /// <summary>
    /// Held operations first (they arrived earlier), then new ones, skipping keys already in the batch. Every held one
    /// is looked at, even once the batch is full, so those it keeps stay in arrival order behind each other.
    /// </summary>
    private void Fill(List<TItem> batch, HashSet<StateKey> keys)
    {
        for (var held = _held.Count; held > 0; held--)
        {
            Admit(_held.Dequeue(), batch, keys);
        }

        while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var item))
        {
            Admit(item, batch, keys);
        }
    }

    private void Admit(TItem item, List<TItem> batch, HashSet<StateKey> keys)
    {
        if (batch.Count < _maxBatch && keys.Add(item.Key))
        {
            batch.Add(item);
        }
        else
        {
            _held.Enqueue(item);
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
