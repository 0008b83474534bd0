using System.Collections.Immutable;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Grains.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Tasks.Escrows;

/// <summary>
/// See <see cref="IEscrowGrain"/>. A lock is stored once the ledger answered it (its task keeps the signed bytes until
/// then, so a retry after a crash resubmits the same signed bytes); a close is idempotent through the ledger itself (an escrow closes once), and a refused retry is
/// checked against the ledger's escrow state before it counts as a failure.
/// </summary>
internal sealed partial class EscrowGrain(
    [PersistentState("escrow", AinurStores.Escrows)] IPersistentState<EscrowGrainState> state,
    TimeProvider clock,
    ILogger<EscrowGrain> logger) : Grain, IEscrowGrain
{
    /// <inheritdoc/>
    public async Task<HoldOutcome> LockAsync(HoldKind hold, SignedTransaction? lockTransaction, TimeSpan wait)
    {
        var entry = Get(hold);
        if (entry is null)
        {
            if (lockTransaction is null)
            {
                return new HoldOutcome(HoldState.LockRejected, "the signed lock never reached the escrow");
            }

            // Not stored before it is submitted: the task keeps the signed lock and hands it over again until it is final.
            entry = new HoldEntry(lockTransaction.Encoded.ToArray(), HoldState.Locking, null);
        }

        if (entry.State != HoldState.Locking)
        {
            return new HoldOutcome(entry.State, entry.Reason);
        }

        var status = await LedgerSubmission.SubmitAndWaitAsync(GrainFactory, SignedTransaction.Decode(entry.LockTransaction), wait, clock);
        var next = status.State switch
        {
            TxState.Final => entry with { State = HoldState.Locked },
            TxState.Rejected => entry with { State = HoldState.LockRejected, Reason = $"{status.Rejection!.Code}: {status.Rejection.Message}" },
            _ => entry,
        };
        if (next.State != HoldState.Locking)
        {
            await SaveAsync(hold, next);
        }

        return new HoldOutcome(next.State, next.Reason);
    }

    /// <inheritdoc/>
    public async Task<CloseOutcome> CloseAsync(ImmutableArray<ProtocolOp> unit, ImmutableArray<HoldClose> closes)
    {
        if (closes.All(c => Get(c.Hold)?.State == c.State))
        {
            return new CloseOutcome(true, null);
        }

        var outcome = await GrainFactory.GetGrain<IOrchestratorGrain>(0).ExecuteAsync(unit);
        if (!outcome.Final && !await AlreadyClosedAsync(closes))
        {
            LogCloseRefused(logger, this.GetPrimaryKeyString(), outcome.Reason);
            return new CloseOutcome(false, outcome.Reason);
        }

        foreach (var close in closes)
        {
            state.State = Set(close.Hold, Known(close.Hold) with { State = close.State });
        }

        await state.WriteStateAsync();
        return new CloseOutcome(true, null);
    }

    /// <inheritdoc/>
    public async Task<HoldOutcome> WatchAsync(HoldKind hold, long expiry)
    {
        var snapshot = await GrainFactory.GetGrain<ILedgerQueryGrain>(0).GetEscrowAsync(EscrowId(hold));
        var outcome = snapshot.Escrow switch
        {
            { Status: EscrowStatus.Locked } => new HoldOutcome(HoldState.Locked, "a relay of the refused lock locked the escrow; it is refunded"),
            // Closed, or past the expiry on the ledger without a lock: block times never go back, so no lock can apply now.
            not null => new HoldOutcome(HoldState.Expired, "the escrow was closed"),
            null when snapshot.TimeUnixMs > expiry => new HoldOutcome(HoldState.Expired, $"the refused lock expired at block {snapshot.Height}"),
            null => new HoldOutcome(HoldState.LockRejected, null),
        };
        if (outcome.State != HoldState.LockRejected && Get(hold)?.State != outcome.State)
        {
            await SaveAsync(hold, Known(hold) with { State = outcome.State, Reason = outcome.Reason });
        }
        else if (outcome.State == HoldState.LockRejected && clock.GetUtcNow().ToUnixTimeMilliseconds() > expiry && Get(hold) is { LockTransaction.Length: > 0 } entry)
        {
            // Expired by this clock, not yet on the ledger (an idle ledger makes no blocks): submitted again, the lock is
            // either refused in a block past its expiry, which ends the watch, or applied and then refunded.
            await GrainFactory.GetGrain<IMempoolGrain>(0).SubmitAsync(SignedTransaction.Decode(entry.LockTransaction));
        }

        return outcome;
    }

    /// <summary>Whether the ledger shows every hold already closed the way asked (a retry of a unit that was applied).</summary>
    private async Task<bool> AlreadyClosedAsync(ImmutableArray<HoldClose> closes)
    {
        var query = GrainFactory.GetGrain<ILedgerQueryGrain>(0);
        foreach (var close in closes)
        {
            var snapshot = await query.GetEscrowAsync(EscrowId(close.Hold));
            var expected = close.State == HoldState.Released ? EscrowStatus.Released : EscrowStatus.Refunded;
            if (snapshot.Escrow?.Status != expected)
            {
                return false;
            }
        }

        return true;
    }

    private Hash32 EscrowId(HoldKind hold)
    {
        var taskId = Hash32.Parse(this.GetPrimaryKeyString());
        return hold == HoldKind.Payment ? TaskEscrows.Payment(taskId) : TaskEscrows.DisputeBond(taskId);
    }

    private HoldEntry? Get(HoldKind hold) => hold == HoldKind.Payment ? state.State.Payment : state.State.Bond;

    // A hold whose lock never reached this grain has no entry; the task may still close or watch it.
    private HoldEntry Known(HoldKind hold) => Get(hold) ?? new HoldEntry([], HoldState.LockRejected, "the signed lock never reached the escrow");

    private EscrowGrainState Set(HoldKind hold, HoldEntry entry)
    {
        if (hold == HoldKind.Payment)
        {
            state.State.Payment = entry;
        }
        else
        {
            state.State.Bond = entry;
        }

        return state.State;
    }

    private Task SaveAsync(HoldKind hold, HoldEntry entry)
    {
        Set(hold, entry);
        return state.WriteStateAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escrow of task {TaskId}: closing was refused by the ledger ({Reason}); the task will try again")]
    private static partial void LogCloseRefused(ILogger logger, string taskId, string? reason);
}
