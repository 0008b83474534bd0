using System.Collections.Immutable;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Budgets;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Grains.Ledger;
using Ainur.Grains.Ledger.Orchestrator;
using Ainur.Grains.Storage;
using Ainur.Grains.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Ainur.Grains.Budgets;

/// <summary>
/// See <see cref="IBudgetGrain"/>. Reentrant, so that reservations and settlements of many tasks overlap: every change
/// to the state is made between awaits (one turn at a time on the grain's scheduler), and the writes are coalesced:
/// changes made while a write is in flight go together in the next one.
/// </summary>
[Reentrant]
internal sealed partial class BudgetGrain(
    [PersistentState("budget", AinurStores.Budgets)] IPersistentState<BudgetGrainState> state,
    LedgerSettings ledger,
    TaskSettings settings,
    TimeProvider clock,
    ILogger<BudgetGrain> logger) : Grain, IBudgetGrain, IRemindable
{
    private readonly CoalescedWrites _writes = new();

    private Hash32 BudgetId => Hash32.Parse(this.GetPrimaryKeyString());

    private Dictionary<Hash32, BudgetReservation> Reserved => state.State.Reserved;

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A restart: the tasks reserved here have no reminder of their own, so they are woken now.
        if (Reserved.Count > 0)
        {
            _ = WakeQuietlyAsync();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<BudgetRefusal?> ReserveAsync(ReserveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Reserved.ContainsKey(request.TaskId))
        {
            return null;
        }

        var view = await ViewAsync(refresh: false);
        if (Refusal(view, request) is { Code: BudgetRefusals.Exceeded or BudgetRefusals.Closing or BudgetRefusals.NotFound })
        {
            // The cached budget may be behind a top-up, or a settlement final since: read the ledger once more.
            view = await ViewAsync(refresh: true);
        }

        // Decided after the last await, on the state as it is now (other reservations ran meanwhile).
        if (Reserved.ContainsKey(request.TaskId))
        {
            return null;
        }

        if (Refusal(view, request) is { } refusal)
        {
            return refusal;
        }

        Reserved[request.TaskId] = new BudgetReservation(request.MaxPrice, request.Deadline);
        await PersistAsync();
        await RemindAsync();
        return null;
    }

    /// <inheritdoc/>
    public async Task<CloseOutcome> SettleAsync(Hash32 taskId, ImmutableArray<ProtocolOp> unit)
    {
        if (!Reserved.ContainsKey(taskId))
        {
            // Settled or released before (the answer was lost): the unit applied then, and must not be sent again.
            return new CloseOutcome(true, null);
        }

        // The height from which the ledger's view of the budget includes this payment.
        var height = 0L;
        if (!unit.IsDefaultOrEmpty)
        {
            var outcome = await GrainFactory.GetGrain<IOrchestratorGrain>(0).ExecuteAsync(unit);
            height = outcome.Height;
            if (!outcome.Final)
            {
                if (!await SettlementChecks.AppliedAsync(GrainFactory, unit))
                {
                    LogSettleRefused(logger, BudgetId, taskId, outcome.Reason);
                    return new CloseOutcome(false, outcome.Reason);
                }

                height = (await GrainFactory.GetGrain<ILedgerQueryGrain>(0).GetBudgetAsync(BudgetId)).Height;
            }
        }

        if (Reserved.Remove(taskId))
        {
            // A voucher spent for nothing (a refund that slashed: TaskSettlement) paid nobody: a release.
            if (unit.OfType<VoucherSettle>().Where(v => v.PayeeAmount + v.Fee > 0).ToList() is [_, ..] paid)
            {
                state.State.Settled++;
                _spent.Add((height, paid.Sum(v => v.PayeeAmount + v.Fee)));
            }
            else
            {
                state.State.Released++;
            }

            // Not written on its own: the ledger's spent mark (or, for a release, the task's closed record) is what
            // makes the end durable; the dropped reservation rides with the budget's next write, and one lost with the
            // activation is dropped again when the budget wakes its tasks (the task is closed). Until then the amount
            // still counts as reserved: the budget may refuse a task it could take, never pay beyond what it holds.
        }

        return new CloseOutcome(true, null);
    }

    /// <inheritdoc/>
    public async Task ActivateAsync()
    {
        await ViewAsync(refresh: true);
        await RemindAsync();
    }

    /// <inheritdoc/>
    public Task<BudgetUsage> GetAsync() => Task.FromResult(new BudgetUsage(
        Reserved.Count, Reserved.Values.Sum(r => r.MaxPrice), state.State.Settled, state.State.Released, state.State.Returned));

    /// <summary>Durable once a write that started after the change completes; changes made while one is in flight share the next.</summary>
    private Task PersistAsync() => _writes.PersistAsync(WriteAsync);

    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The write may or may not have happened, and later changes were made on top of it: start over from storage.
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget {BudgetId}: settling task {TaskId} was refused by the ledger ({Reason}); the task will try again")]
    private static partial void LogSettleRefused(ILogger logger, Hash32 budgetId, Hash32 taskId, string? reason);
}
