using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Grains.Ledger.Orchestrator;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Budgets;

/// <summary>
/// The budget's one reminder: it wakes the tasks reserved here (they have no reminder of their own), drops reservations
/// whose task is closed (the settle's answer was lost) or never came to be, and returns the budget's rest to its owner
/// once the budget is closing with nothing reserved, or past its expiry height.
/// </summary>
internal sealed partial class BudgetGrain
{
    private const string ReminderName = "budget";

    // A reserved task that does not exist past its deadline never will: a submit after the deadline is refused.
    private static readonly TimeSpan NeverCreatedAfter = TimeSpan.FromMinutes(1);

    /// <inheritdoc/>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Returned)
        {
            await DropReminderAsync();
            return;
        }

        await WakeAsync();
        var view = await ViewAsync(refresh: true);
        if (view.Budget is not { } budget)
        {
            return;
        }

        var returnable = budget.Status == BudgetStatus.Returned
            || (budget.Status == BudgetStatus.Closing && Reserved.Count == 0)
            || view.Height > budget.ExpiryHeight;
        if (returnable && await ReturnAsync())
        {
            state.State.Returned = true;
            await PersistAsync();
            await DropReminderAsync();
        }
    }

    private async Task RemindAsync()
    {
        if (state.State.Reminding || state.State.Returned)
        {
            return;
        }

        await this.RegisterOrUpdateReminder(ReminderName, settings.ReminderPeriod, settings.ReminderPeriod);
        state.State.Reminding = true;
        await PersistAsync();
    }

    private async Task DropReminderAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        if (state.State.Reminding)
        {
            state.State.Reminding = false;
            await PersistAsync();
        }
    }

    /// <summary>Returns the rest to the owner; true once the ledger shows the budget returned.</summary>
    private async Task<bool> ReturnAsync()
    {
        ProtocolOp[] unit = [new BudgetReturn(BudgetId)];
        var outcome = await GrainFactory.GetGrain<IOrchestratorGrain>(0).ExecuteAsync([.. unit]);
        if (outcome.Final || await SettlementChecks.AppliedAsync(GrainFactory, [.. unit]))
        {
            LogReturned(logger, BudgetId, Reserved.Count);
            return true;
        }

        LogReturnRefused(logger, BudgetId, outcome.Reason);
        return false;
    }

    private async Task WakeQuietlyAsync()
    {
        try
        {
            await WakeAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogWakeFailed(logger, BudgetId, exception);
        }
    }

    /// <summary>
    /// Ticks every reserved task (it resumes its work and applies its due deadlines: budget tasks have no reminder of
    /// their own) and drops reservations that nothing will settle.
    /// </summary>
    private async Task WakeAsync()
    {
        var reserved = Reserved.ToList();
        var tasks = await Task.WhenAll(reserved.Select(r => GrainFactory.GetGrain<ITaskGrain>(r.Key.ToString()).TickAsync()));
        var now = clock.GetUtcNow();
        var changed = false;
        for (var i = 0; i < reserved.Count; i++)
        {
            var (taskId, reservation) = reserved[i];
            var done = tasks[i] switch
            {
                null => now > DateTimeOffset.FromUnixTimeMilliseconds(reservation.Deadline) + NeverCreatedAfter,
                { Payment: HoldState.Released or HoldState.Refunded } => true,
                _ => false,
            };
            if (done && Reserved.Remove(taskId))
            {
                if (tasks[i]?.Payment == HoldState.Released)
                {
                    state.State.Settled++;
                }
                else
                {
                    state.State.Released++;
                }

                changed = true;
            }
        }

        if (changed)
        {
            await PersistAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Budget {BudgetId} returned to its owner ({Reserved} reservation(s) left unsettled)")]
    private static partial void LogReturned(ILogger logger, Hash32 budgetId, int reserved);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget {BudgetId}: the return was refused by the ledger ({Reason}); it will be tried again")]
    private static partial void LogReturnRefused(ILogger logger, Hash32 budgetId, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget {BudgetId}: waking its reserved tasks failed; the reminder tries again")]
    private static partial void LogWakeFailed(ILogger logger, Hash32 budgetId, Exception exception);
}
