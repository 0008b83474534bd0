using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Ainur.Grains.Ledger.Orchestrator;

/// <summary>
/// See <see cref="IOrchestratorGrain"/>. Reentrant so callers can queue while batches are on their way. A few batches
/// travel at once, with increasing sequences: a block orders one signer's transactions by sequence, and a batch that
/// still loses its place (a later one finalized first) is refused as stale and sent again under a new sequence. A unit
/// asked for again while it waits (a caller whose call timed out while the ledger was slow) joins the one waiting, and a
/// batch refused for one of its units sends that unit alone and the others together again: a replayed unit must not
/// cost every unit beside it a height of its own.
/// </summary>
[Reentrant]
internal sealed partial class OrchestratorGrain(LedgerSettings settings, TimeProvider clock, ILogger<OrchestratorGrain> logger)
    : Grain, IOrchestratorGrain
{
    // One batch is one transaction in one block: large enough to carry a block's worth of settlements.
    private const int MaxOperationsPerBatch = 1000;
    private const int MaxBatchesInFlight = 4;
    private static readonly TimeSpan FinalityWait = TimeSpan.FromSeconds(30);

    private readonly LinkedList<QueuedUnit> _queue = new();
    // Units queued or in flight, by their content.
    private readonly Dictionary<Hash32, TaskCompletionSource<UnitOutcome>> _waiting = [];
    private int _inFlight;
    private long _sequence = -1;
    private Task<long>? _sequenceRead;

    // Batches take their sequences and enter the pool one after another, in order: blocks take the pool's oldest first,
    // so a later batch cannot be final before an earlier one, which would make the earlier one stale (refused, the
    // sequence read again, the batch sent again). Measured before: 0.31 submissions per finalized 0.19 on the task bench.
    private Task _lastAdmission = Task.CompletedTask;

    /// <inheritdoc/>
    public Task<UnitOutcome> ExecuteAsync(ImmutableArray<ProtocolOp> unit)
    {
        if (unit.IsDefaultOrEmpty || unit.Length > MaxOperationsPerBatch)
        {
            throw new ArgumentException($"A unit has 1 to {MaxOperationsPerBatch} operations.", nameof(unit));
        }

        if (unit.All(op => op is Slash))
        {
            // An escrow closes once (a voucher pays once, a budget returns once), so such a unit applies at most once however often it is sent.
            throw new ArgumentException("A unit must close at least one escrow, settle a voucher or return a budget.", nameof(unit));
        }

        var key = KeyOf(unit);
        if (_waiting.TryGetValue(key, out var waiting))
        {
            return waiting.Task;
        }

        var queued = new QueuedUnit(unit, key, Alone: false, new TaskCompletionSource<UnitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        _waiting[key] = queued.Outcome;
        _queue.AddLast(queued);
        Pump();
        return queued.Outcome.Task;
    }

    /// <inheritdoc/>
    public Task<int> GetQueuedAsync() => Task.FromResult(_queue.Count);

    private void Pump()
    {
        while (_inFlight < MaxBatchesInFlight && _queue.First is not null)
        {
            _inFlight++;
            _ = SendThenPumpAsync(TakeBatch());
        }
    }

    private async Task SendThenPumpAsync(List<QueuedUnit> batch)
    {
        try
        {
            await SendAsync(batch);
        }
        finally
        {
            _inFlight--;
            Pump();
        }
    }

    /// <summary>The next sequence; after a reset, one read of the ledger's last sequence serves every batch waiting for it.</summary>
    private async Task<long> NextSequenceAsync()
    {
        if (_sequence < 0)
        {
            var read = _sequenceRead ??= ReadSequenceAsync();
            long last;
            try
            {
                last = await read;
            }
            finally
            {
                // A failed read is not kept: the next batch reads again.
                if (ReferenceEquals(_sequenceRead, read))
                {
                    _sequenceRead = null;
                }
            }

            if (_sequence < 0)
            {
                _sequence = last;
            }
        }

        return ++_sequence;
    }

    private async Task<long> ReadSequenceAsync() =>
        (await GrainFactory.GetGrain<ILedgerQueryGrain>(0).GetEscrowAsync(Hash32.Zero)).OrchestratorSequence;

    /// <summary>Units from the front of the queue up to the batch size; a unit marked alone travels by itself.</summary>
    private List<QueuedUnit> TakeBatch()
    {
        var batch = new List<QueuedUnit>();
        var operations = 0;
        while (_queue.First?.Value is { } next && (batch.Count == 0 || !next.Alone && operations + next.Unit.Length <= MaxOperationsPerBatch))
        {
            _queue.RemoveFirst();
            batch.Add(next);
            operations += next.Unit.Length;
            if (next.Alone)
            {
                break;
            }
        }

        return batch;
    }

    private async Task SendAsync(List<QueuedUnit> batch)
    {
        var previous = _lastAdmission;
        var admission = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _lastAdmission = admission.Task;
        TxStatus status;
        try
        {
            SignedTransaction transaction;
            bool pooled;
            try
            {
                await previous;
                var body = new ProtocolBatch(settings.Orchestrator.Did, await NextSequenceAsync(), [.. batch.SelectMany(u => u.Unit)]);
                transaction = SignedTransaction.Sign(body, settings.Orchestrator, settings.ChainId);
                pooled = (await GrainFactory.GetGrain<IMempoolGrain>(0).SubmitAsync(transaction)).Status != SubmitStatus.Full;
            }
            finally
            {
                admission.TrySetResult();
            }

            status = await LedgerSubmission.SubmitAndWaitAsync(GrainFactory, transaction, FinalityWait, clock, pooled);
            while (status.State is TxState.Pending or TxState.Unknown)
            {
                // The batch may still be finalized: sending its operations again under another sequence could apply them twice.
                LogStillPending(logger, transaction.Id, batch.Count);
                status = await LedgerSubmission.SubmitAndWaitAsync(GrainFactory, transaction, FinalityWait, clock);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever failed (a timeout, the database behind the pool restarting), the batch goes again: a unit dropped
            // here would leave its callers, and every later caller joining it, waiting for good.
            LogLedgerUnavailable(logger, exception);
            Requeue(batch, alone: false);
            _sequence = -1;
            await Task.Delay(TimeSpan.FromMilliseconds(200), clock);
            return;
        }

        if (status.State == TxState.Final)
        {
            foreach (var unit in batch)
            {
                Resolve(unit, new UnitOutcome(true, status.Height, null));
            }

            return;
        }

        var rejection = status.Rejection!;
        if (rejection.Code == TxRejectionCodes.NonceNotIncreasing)
        {
            _sequence = -1;
            Requeue(batch, alone: false);
        }
        else if (batch.Count == 1)
        {
            Resolve(batch[0], new UnitOutcome(false, 0, $"{rejection.Code}: {rejection.Message}"));
        }
        else if (UnitAt(batch, rejection.Operation) is { } refused)
        {
            // The refused unit goes alone, after the others (what one of them did may be why it was refused here).
            LogUnitRefused(logger, status.TransactionId, batch.Count, rejection.Code);
            _queue.AddFirst(refused with { Alone = true });
            Requeue([.. batch.Where(u => !ReferenceEquals(u, refused))], alone: false);
        }
        else
        {
            Requeue(batch, alone: true);
        }
    }

    private void Resolve(QueuedUnit unit, UnitOutcome outcome)
    {
        _waiting.Remove(unit.Key);
        unit.Outcome.TrySetResult(outcome);
    }

    /// <summary>The unit holding operation <paramref name="operation"/> of the batch, if the ledger named one.</summary>
    private static QueuedUnit? UnitAt(List<QueuedUnit> batch, int? operation)
    {
        var first = 0;
        foreach (var unit in batch)
        {
            if (operation >= first && operation < first + unit.Unit.Length)
            {
                return unit;
            }

            first += unit.Unit.Length;
        }

        return null;
    }

    private static Hash32 KeyOf(ImmutableArray<ProtocolOp> unit)
    {
        var writer = new CanonicalWriter();
        foreach (var op in unit)
        {
            op.WriteTo(writer);
        }

        return Blake2b.Content(writer.Written);
    }

    /// <summary>Puts a batch's units back at the front, in their order; alone: each goes in a batch of its own.</summary>
    private void Requeue(List<QueuedUnit> batch, bool alone)
    {
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            _queue.AddFirst(batch[i] with { Alone = alone || batch[i].Alone });
        }
    }

    private sealed record QueuedUnit(ImmutableArray<ProtocolOp> Unit, Hash32 Key, bool Alone, TaskCompletionSource<UnitOutcome> Outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Protocol batch {TransactionId} with {Units} unit(s) is not final yet; still waiting for it")]
    private static partial void LogStillPending(ILogger logger, Hash32 transactionId, int units);

    [LoggerMessage(Level = LogLevel.Information, Message = "Protocol batch {TransactionId} of {Units} units was refused for one of them ({Code}); that one goes alone, the others together again")]
    private static partial void LogUnitRefused(ILogger logger, Hash32 transactionId, int units, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending a protocol batch failed; it will be sent again")]
    private static partial void LogLedgerUnavailable(ILogger logger, Exception exception);
}
