using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Ainur.Grains.Timing;

namespace Ainur.Grains.Ledger.Mempool;

/// <summary>
/// The ledger's pool (see <see cref="IMempoolGrain"/>). Reentrant: waits (batch fill, callers awaiting finality) must
/// not hold up submissions. Every method body between awaits is short and keeps the pool's invariants, which is what
/// reentrancy requires; a finalized height is processed once, by whichever report comes first.
/// </summary>
[Reentrant]
public sealed partial class MempoolGrain(
    LedgerSettings settings, ILedgerStore store, TimeProvider clock, LedgerMetrics metrics, ILogger<MempoolGrain> logger)
    : Grain, IMempoolGrain
{
    private static readonly TimeSpan NudgePeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StoredBlocksWait = TimeSpan.FromSeconds(1);

    // Admissions are handed to the validators for early signature checks in small batches: a short wait, or a full batch.
    private static readonly TimeSpan PrevalidationDelay = TimeSpan.FromMilliseconds(1);
    private const int PrevalidationBatch = 256;

    private readonly TransactionPool _pool = new(settings.MempoolCapacity);
    private readonly Dictionary<Hash32, TaskCompletionSource<TxStatus>> _waiters = [];
    private readonly RecentOutcomes _outcomes = new(capacity: 200_000);
    private readonly List<SignedTransaction> _toPrevalidate = [];
    private readonly Dictionary<Hash32, long> _finalizing = [];
    private Task _indexTail = Task.CompletedTask;
    private long _indexed;
    private long _reported;
    private TaskCompletionSource _headMoved = NewSignal();
    private TaskCompletionSource _batchFilled = NewSignal();
    private int _batchTarget = int.MaxValue;
    private long _head;
    private long? _lastDecidedAt;
    private long? _lastProposalAt;
    private long _headAtLastNudge = -1;

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await CatchUpIndexAsync(cancellationToken);

        // Wakes the validators while transactions wait and no block is being finalized (a lost nudge, a validator that
        // re-activated elsewhere); cheap when the pool is empty.
        this.RegisterGrainTimer(NudgeIfStuck, new GrainTimerCreationOptions(NudgePeriod, NudgePeriod) { Interleave = true });
    }

    /// <inheritdoc/>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The pool leaves this silo: whichever silo activates the mempool next reports what waits.
        metrics.MempoolPending(0);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<SubmitResult> SubmitAsync(SignedTransaction transaction) => Task.FromResult(Admit(transaction));

    /// <inheritdoc/>
    public Task<ImmutableArray<SubmitResult>> SubmitManyAsync(ImmutableArray<SignedTransaction> transactions) =>
        Task.FromResult(transactions.Select(Admit).ToImmutableArray());

    /// <inheritdoc/>
    public async Task<ImmutableArray<SignedTransaction>> ReapAsync(int max)
    {
        var now = clock.GetTimestamp();
        var wait = BlockPacing.FillWait(
            _pool.Count, max, _pool.OldestAdmittedAtTicks, _lastDecidedAt, _lastProposalAt, now,
            settings.BatchWait, settings.BusyBlockInterval, clock.TimestampFrequency);
        _lastProposalAt = now;
        if (wait > TimeSpan.Zero)
        {
            _batchTarget = Math.Min(_batchTarget, max);
            await WaitAtMostAsync(_batchFilled.Task, wait);
        }

        return _pool.Oldest(max);
    }

    /// <inheritdoc/>
    public async Task RejectedAsync(long height, ImmutableArray<RejectedTransaction> rejected)
    {
        // A proposer still deciding a height the others have finalized (a later round of it) built on the state before
        // that height's block: a transaction it refuses (say, for a balance that block provides) may be valid now.
        if (height <= _reported)
        {
            return;
        }

        // A replay may be of a transaction final in a block whose report never came (it timed out): the stored blocks
        // say so before the caller is told "rejected".
        if (rejected.Any(r => IsReplayRefusal(r.Reason)))
        {
            try
            {
                // Bounded: a catch-up that cannot finish now (the database slow or down) must not leave the refusals
                // unanswered, and their callers (the orchestrator) waiting on transactions that will never be final.
                await ReportStoredBlocksAsync().WaitAsync(StoredBlocksWait, clock);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogStoredBlocksUnread(logger, e.Message);
            }

            if (height <= _reported)
            {
                return;
            }
        }

        foreach (var item in rejected)
        {
            var id = item.Transaction.Id;
            if (!_pool.Remove(id, out _))
            {
                continue;
            }

            // A transaction resubmitted after its block was final (and forgotten here) is refused as a replay of itself:
            // its caller must hear "final", not "rejected".
            var final = IsReplayRefusal(item.Reason) ? await FromStoreAsync(id) : null;
            Resolve(final is { State: TxState.Final } ? final : new TxStatus(id, TxState.Rejected, 0, -1, item.Reason));
        }

        metrics.MempoolPending(_pool.Count);
    }

    /// <inheritdoc/>
    public Task<int> FinalizedAsync(FinalizedBlock finalized)
    {
        ArgumentNullException.ThrowIfNull(finalized);

        // Every validator reports every block in height order, so the first report of a height comes after the first
        // report of the one below: a height at or below the last one taken is a repeat.
        if (finalized.Block.Height > _reported)
        {
            _reported = finalized.Block.Height;
            _lastDecidedAt = clock.GetTimestamp();
            _indexTail = IndexInOrderAsync(_indexTail, finalized, TakeFromPool(finalized.Block));
            metrics.MempoolPending(_pool.Count);
        }

        return Task.FromResult(_pool.Count);
    }

    /// <inheritdoc/>
    public async Task<TxStatus> WaitAsync(Hash32 transactionId, TimeSpan timeout)
    {
        if (_outcomes.TryGet(transactionId, out var known))
        {
            return known;
        }

        if (!_pool.Contains(transactionId) && !_finalizing.ContainsKey(transactionId))
        {
            return await FromStoreAsync(transactionId);
        }

        if (!_waiters.TryGetValue(transactionId, out var waiter))
        {
            waiter = new TaskCompletionSource<TxStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters[transactionId] = waiter;
        }

        var pending = new TxStatus(transactionId, TxState.Pending, 0, -1, null);
        // WaitAsync drops its timer as soon as the outcome arrives: thousands of waits a second must not leave as many
        // timers running out their full timeout.
        return await BoundedWait.ForAsync(waiter.Task, timeout, clock) ? await waiter.Task : pending;
    }

    /// <inheritdoc/>
    public async Task<long> WaitForHeightAsync(long height, TimeSpan timeout)
    {
        var deadline = clock.GetUtcNow() + timeout;
        while (_head < height)
        {
            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            await WaitAtMostAsync(_headMoved.Task, left);
        }

        return _head;
    }

    /// <inheritdoc/>
    public Task<MempoolHead> GetHeadAsync() => Task.FromResult(new MempoolHead(_head, _pool.Count));

    private SubmitResult Admit(SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var id = transaction.Id;
        if (_pool.Contains(id) || _finalizing.ContainsKey(id) || (_outcomes.TryGet(id, out var known) && known.State == TxState.Final))
        {
            return new SubmitResult(id, SubmitStatus.Duplicate);
        }

        if (_pool.IsFull)
        {
            return new SubmitResult(id, SubmitStatus.Full);
        }

        // A rejected transaction may be valid now (say, its sender has since been paid): it gets a fresh chance.
        _outcomes.Forget(id);
        _pool.Add(transaction, clock.GetTimestamp());
        metrics.MempoolPending(_pool.Count);
        QueueForPrevalidation(transaction);
        if (_pool.Count == 1)
        {
            NudgeValidators();
        }

        if (_pool.Count >= _batchTarget)
        {
            _batchTarget = int.MaxValue;
            Interlocked.Exchange(ref _batchFilled, NewSignal()).TrySetResult();
        }

        return new SubmitResult(id, SubmitStatus.Accepted);
    }

    private void QueueForPrevalidation(SignedTransaction transaction)
    {
        _toPrevalidate.Add(transaction);
        if (_toPrevalidate.Count == 1)
        {
            _ = FlushPrevalidationAsync();
        }
        else if (_toPrevalidate.Count >= PrevalidationBatch)
        {
            SendForPrevalidation();
        }
    }

    private async Task FlushPrevalidationAsync()
    {
        await Task.Delay(PrevalidationDelay, clock);
        SendForPrevalidation();
    }

    private void SendForPrevalidation()
    {
        if (_toPrevalidate.Count == 0)
        {
            return;
        }

        var batch = _toPrevalidate.ToImmutableArray();
        _toPrevalidate.Clear();
        for (var i = 0; i < settings.Validators.Count; i++)
        {
            GrainFactory.GetGrain<IValidatorGrain>(i).PrevalidateAsync(batch).Ignore();
        }
    }

    // Out of the pool at once, so the next proposal cannot take these again; their callers hear "final" once the
    // index has them. Returns when each was admitted, for the finality metric.
    private long?[] TakeFromPool(Block block)
    {
        var admitted = new long?[block.Transactions.Length];
        for (var position = 0; position < admitted.Length; position++)
        {
            var id = block.Transactions[position].Id;
            admitted[position] = _pool.Remove(id, out var pending) ? pending.AdmittedAtTicks : null;
            _finalizing[id] = block.Height;
        }

        return admitted;
    }

    // Indexed before anyone is told, so a caller that learns "final" can fetch the proof at once; behind the blocks
    // reported before. The block is final whatever happens here, so indexing retries until the database takes it.
    private async Task IndexInOrderAsync(Task previous, FinalizedBlock finalized, long?[] admitted)
    {
        await previous;
        var block = finalized.Block;
        await StoreRetry.UntilDoneAsync(
            () => IndexThroughAsync(block),
            (attempt, e) => LogIndexRetry(logger, block.Height, attempt, e.Message),
            clock,
            alsoTransient: e => e is InvalidOperationException);
        Complete(finalized, admitted);
    }

    // The index goes in height order; heights reported to an earlier activation of this grain, or lost with its silo,
    // are filled in from the validators' stored blocks first, and their waiters told too.
    private async Task IndexThroughAsync(Block block)
    {
        for (var height = _indexed + 1; height < block.Height; height++)
        {
            var missing = await FindStoredAsync(height, CancellationToken.None)
                ?? throw new InvalidOperationException($"Block {height} is not stored yet.");
            await store.IndexTransactionsAsync(settings.ChainId, missing.Block, CancellationToken.None);
            _indexed = height;
            Complete(missing, TakeFromPool(missing.Block));
        }

        await store.IndexTransactionsAsync(settings.ChainId, block, CancellationToken.None);
        _indexed = Math.Max(_indexed, block.Height);
    }

    private void Complete(FinalizedBlock finalized, long?[] admitted)
    {
        var block = finalized.Block;
        var now = clock.GetTimestamp();
        for (var position = 0; position < block.Transactions.Length; position++)
        {
            var id = block.Transactions[position].Id;
            _finalizing.Remove(id);
            if (admitted[position] is { } ticks)
            {
                metrics.TransactionFinal(clock.GetElapsedTime(ticks, now));
            }

            Resolve(new TxStatus(id, TxState.Final, block.Height, position, null));
        }

        metrics.BlockFinalized(block.Height, block.Transactions.Length, finalized.Certificate.Round + 1);
        if (block.Height > _head)
        {
            _head = block.Height;
            Interlocked.Exchange(ref _headMoved, NewSignal()).TrySetResult();
        }
    }

    private void Resolve(TxStatus status)
    {
        _outcomes.Remember(status);
        if (_waiters.Remove(status.TransactionId, out var waiter))
        {
            waiter.TrySetResult(status);
        }
    }

    private async Task<TxStatus> FromStoreAsync(Hash32 transactionId)
    {
        var location = await store.FindTransactionAsync(settings.ChainId, transactionId, CancellationToken.None);
        return location is null
            ? new TxStatus(transactionId, TxState.Unknown, 0, -1, null)
            : new TxStatus(transactionId, TxState.Final, location.Height, location.Position, null);
    }

    // Blocks finalized while this grain was not active (a silo died, the node restarted) are indexed from the
    // validators' stored copies, so every final transaction can be found.
    private async Task CatchUpIndexAsync(CancellationToken ct)
    {
        var indexed = await store.GetIndexedHeightAsync(settings.ChainId, ct);
        var head = indexed;
        for (var validator = 0; validator < settings.Validators.Count; validator++)
        {
            head = Math.Max(head, await store.GetLastHeightAsync(settings.ChainId, validator, ct));
        }

        _head = head;
        _indexed = indexed;
        for (var height = indexed + 1; height <= head; height++)
        {
            if (await FindStoredAsync(height, ct) is not { } stored)
            {
                break;
            }

            await store.IndexTransactionsAsync(settings.ChainId, stored.Block, ct);
            _indexed = height;
        }

        _reported = _indexed;
        if (head > indexed)
        {
            LogIndexCaughtUp(logger, indexed + 1, head);
        }
    }

    private async Task<FinalizedBlock?> FindStoredAsync(long height, CancellationToken ct)
    {
        for (var validator = 0; validator < settings.Validators.Count; validator++)
        {
            if (await store.GetBlockAsync(settings.ChainId, validator, height, ct) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private async Task NudgeIfStuck(CancellationToken ct)
    {
        var stuck = _pool.Count > 0 && _head == _headAtLastNudge;
        _headAtLastNudge = _head;
        if (stuck)
        {
            NudgeValidators();

            // Transactions wait and nothing was reported: a block may be final with its reports lost.
            await ReportStoredBlocksAsync();
        }
    }

    /// <summary>
    /// Takes every block the validators stored above the last one reported here as if reported, and waits until they
    /// are indexed: a validator's report is best effort (it gives up on a pool that does not answer in time).
    /// </summary>
    private async Task ReportStoredBlocksAsync()
    {
        var stored = _reported;
        for (var validator = 0; validator < settings.Validators.Count; validator++)
        {
            stored = Math.Max(stored, await store.GetLastHeightAsync(settings.ChainId, validator, CancellationToken.None));
        }

        for (var height = _reported + 1; height <= stored; height++)
        {
            if (await FindStoredAsync(height, CancellationToken.None) is not { } found)
            {
                break;
            }

            await FinalizedAsync(found);
        }

        await _indexTail;
    }

    private void NudgeValidators()
    {
        for (var i = 0; i < settings.Validators.Count; i++)
        {
            GrainFactory.GetGrain<IValidatorGrain>(i).TransactionsWaitingAsync().Ignore();
        }
    }


    private static bool IsReplayRefusal(TxRejection reason) =>
        reason.Code is TxRejectionCodes.NonceNotIncreasing or TxRejectionCodes.EscrowExists or TxRejectionCodes.EscrowClosed
            or TxRejectionCodes.BudgetExists or TxRejectionCodes.BudgetClosing or TxRejectionCodes.BudgetReturned;

    // Unlike WhenAny with a Task.Delay, the timer goes as soon as the signal comes.
    private async Task WaitAtMostAsync(Task signal, TimeSpan timeout)
    {
        // The wait is over either way; callers look at the state, not at why.
        await BoundedWait.ForAsync(signal, timeout, clock);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indexing finalized block {Height} failed (attempt {Attempt}), retrying: {Reason}")]
    private static partial void LogIndexRetry(ILogger logger, long height, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the stored blocks before answering a replay refusal did not finish in time; answering from the index: {Reason}")]
    private static partial void LogStoredBlocksUnread(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexed finalized blocks {From}..{To} that were not indexed yet")]
    private static partial void LogIndexCaughtUp(ILogger logger, long from, long to);
}
