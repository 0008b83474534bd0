using Ainur.Grains.Interfaces.Budgets;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.State;

namespace Ainur.Grains.Budgets;

/// <summary>
/// The budget as the ledger last showed it, and what may still be reserved on it: its remaining amount, less the
/// reservations, less the settlements this grain saw final at heights that view does not include yet.
/// </summary>
internal sealed partial class BudgetGrain
{
    // How long a read of the ledger serves reservations before it is read again (a close or top-up shows within this).
    private static readonly TimeSpan ViewLifetime = TimeSpan.FromSeconds(1);

    private readonly List<(long Height, long Amount)> _spent = [];
    private LedgerView? _view;
    private Task<LedgerView>? _reading;

    private async Task<LedgerView> ViewAsync(bool refresh)
    {
        if (!refresh && _view is { } cached && clock.GetUtcNow() - cached.ReadAt < ViewLifetime)
        {
            return cached;
        }

        // Reads asked for together share one.
        var read = _reading ??= ReadAsync();
        try
        {
            return await read;
        }
        finally
        {
            if (ReferenceEquals(_reading, read))
            {
                _reading = null;
            }
        }
    }

    private async Task<LedgerView> ReadAsync()
    {
        var snapshot = await GrainFactory.GetGrain<ILedgerQueryGrain>(0).GetBudgetAsync(BudgetId);
        if (_view is null || snapshot.Height >= _view.Height)
        {
            _view = new LedgerView(snapshot.Budget, snapshot.Height, clock.GetUtcNow());
            _spent.RemoveAll(s => s.Height <= snapshot.Height);
        }

        return _view;
    }

    /// <summary>What may still be reserved according to <paramref name="view"/>.</summary>
    private long Free(LedgerView view) =>
        view.Budget!.Remaining - Reserved.Values.Sum(r => r.MaxPrice) - _spent.Where(s => s.Height > view.Height).Sum(s => s.Amount);

    private BudgetRefusal? Refusal(LedgerView view, ReserveRequest request)
    {
        if (view.Budget is not { } budget)
        {
            return new BudgetRefusal(BudgetRefusals.NotFound, $"No budget {BudgetId} is final on the ledger.");
        }

        if (budget.Status != BudgetStatus.Open || state.State.Returned)
        {
            return new BudgetRefusal(BudgetRefusals.Closing, $"Budget {BudgetId} is {budget.Status.ToString().ToLowerInvariant()}: it takes no new tasks.");
        }

        if (view.Height + settings.BudgetExpiryMargin > budget.ExpiryHeight)
        {
            return new BudgetRefusal(BudgetRefusals.Expired,
                $"Budget {BudgetId} expires at height {budget.ExpiryHeight}; the ledger is at {view.Height}, and a task needs {settings.BudgetExpiryMargin} heights left to settle.");
        }

        if (budget.Owner != request.Client)
        {
            return new BudgetRefusal(BudgetRefusals.InvalidVoucher, $"Budget {BudgetId} belongs to {budget.Owner}, not to the task's client {request.Client}.");
        }

        if (!new Voucher(BudgetId, request.TaskId, request.MaxPrice).Verify(budget.Owner, request.Signature, ledger.ChainId))
        {
            return new BudgetRefusal(BudgetRefusals.InvalidVoucher,
                $"The voucher is not {budget.Owner}'s signature over (chain, budget {BudgetId}, task {request.TaskId}, maxPrice {request.MaxPrice}).");
        }

        var free = Free(view);
        return free < request.MaxPrice
            ? new BudgetRefusal(BudgetRefusals.Exceeded, $"Budget {BudgetId} has {Math.Max(0, free)} credits left to reserve (remaining less reserved); the task needs {request.MaxPrice}.")
            : null;
    }

    /// <summary>The budget at a height (null: none final), and when this grain read it.</summary>
    private sealed record LedgerView(Budget? Budget, long Height, DateTimeOffset ReadAt);
}
