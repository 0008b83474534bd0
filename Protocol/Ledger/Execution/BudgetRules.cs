using System.Diagnostics.CodeAnalysis;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>
/// The rules of budgets: the owner's open, top-up and close (client transactions) and the orchestrator's voucher
/// settlements and returns (protocol operations). As everywhere in the rules, each checks everything before it writes
/// and returns null when applied or the rejection. A budget's credits count towards the supply while it holds them;
/// they leave it only to a voucher's payee and the treasury (never more than the voucher's price or the budget's rest,
/// once per voucher) or back to the owner.
/// </summary>
internal static class BudgetRules
{
    public static TxRejection? Apply(LedgerWorkingSet state, long height, BudgetOpen open)
    {
        if (open.Amount <= 0)
        {
            return TransactionRules.BadAmount("amount", open.Amount);
        }

        if (open.ExpiryHeight <= height)
        {
            return new(TxRejectionCodes.BudgetExpired, $"The expiry height {open.ExpiryHeight} must be above this block's height {height}.");
        }

        var id = open.BudgetId;
        if (state.GetBudget(id) is not null)
        {
            return new(TxRejectionCodes.BudgetExists, $"Budget {id} was already opened; a budget id is usable once.");
        }

        var owner = state.GetAccount(open.Owner);
        if (TransactionRules.CheckBalance(owner, open.Amount) is { } rejection)
        {
            return rejection;
        }

        state.SetAccount(open.Owner, owner with { Balance = owner.Balance - open.Amount });
        state.SetBudget(id, new Budget(open.Owner, open.Amount, open.ExpiryHeight, BudgetStatus.Open, 0));
        return null;
    }

    public static TxRejection? Apply(LedgerWorkingSet state, long height, BudgetTopUp topUp)
    {
        if (topUp.Amount <= 0)
        {
            return TransactionRules.BadAmount("amount", topUp.Amount);
        }

        if (!TryGetOwned(state, topUp.BudgetId, topUp.Owner, out var budget, out var rejection) || (rejection = CheckOpen(topUp.BudgetId, budget)) is not null)
        {
            return rejection;
        }

        if (height > budget.ExpiryHeight)
        {
            return Expired(topUp.BudgetId, budget, height);
        }

        var owner = state.GetAccount(topUp.Owner);
        if ((TransactionRules.CheckNonce(owner, topUp.Nonce) ?? TransactionRules.CheckBalance(owner, topUp.Amount)) is { } refused)
        {
            return refused;
        }

        state.SetAccount(topUp.Owner, owner with { Balance = owner.Balance - topUp.Amount, Nonce = topUp.Nonce });
        state.SetBudget(topUp.BudgetId, budget with { Remaining = checked(budget.Remaining + topUp.Amount) });
        return null;
    }

    public static TxRejection? Apply(LedgerWorkingSet state, BudgetClose close)
    {
        if (!TryGetOwned(state, close.BudgetId, close.Owner, out var budget, out var rejection) || (rejection = CheckOpen(close.BudgetId, budget)) is not null)
        {
            return rejection;
        }

        state.SetBudget(close.BudgetId, budget with { Status = BudgetStatus.Closing });
        return null;
    }

    // Cheap checks first; the signature (the costly one, usually checked in parallel before) last.
    public static TxRejection? Apply(LedgerWorkingSet state, long height, VoucherSignatures vouchers, VoucherSettle settle)
    {
        if (settle.PayeeAmount < 0 || settle.Fee < 0)
        {
            return new(TxRejectionCodes.BadAmount, $"Payee amount {settle.PayeeAmount} and fee {settle.Fee} must not be negative.");
        }

        if (!TryGet(state, settle.BudgetId, out var budget, out var rejection))
        {
            return rejection;
        }

        // A settle for nothing moves no credit, so it applies to a returned or expired budget too: it only spends the
        // voucher, which is what makes a refund's slashes once-only (TaskSettlement); refusing it would lose them.
        var forNothing = settle.PayeeAmount == 0 && settle.Fee == 0;
        if (budget.Status == BudgetStatus.Returned && !forNothing)
        {
            return Returned(settle.BudgetId);
        }

        if (height > budget.ExpiryHeight && !forNothing)
        {
            return Expired(settle.BudgetId, budget, height);
        }

        if (state.IsVoucherSpent(settle.BudgetId, settle.TaskId))
        {
            return new(TxRejectionCodes.VoucherSpent, $"The voucher of budget {settle.BudgetId} for task {settle.TaskId} was paid already.");
        }

        // Compared without adding, so huge amounts cannot wrap around.
        if (settle.PayeeAmount > settle.MaxPrice || settle.Fee > settle.MaxPrice - settle.PayeeAmount)
        {
            return new(TxRejectionCodes.VoucherPriceExceeded,
                $"Payee amount {settle.PayeeAmount} plus fee {settle.Fee} exceed the voucher's max price {settle.MaxPrice}.");
        }

        var total = settle.PayeeAmount + settle.Fee;
        if (total > budget.Remaining)
        {
            return new(TxRejectionCodes.BudgetExceeded, $"Paying {total} exceeds the {budget.Remaining} budget {settle.BudgetId} holds.");
        }

        if (!vouchers.IsValid(budget.Owner, settle))
        {
            return new(TxRejectionCodes.VoucherSignatureInvalid,
                $"The voucher's signature is not {budget.Owner}'s over budget {settle.BudgetId}, task {settle.TaskId} and max price {settle.MaxPrice} for this chain.");
        }

        state.SetBudget(settle.BudgetId, budget with { Remaining = budget.Remaining - total, Spent = checked(budget.Spent + total) });
        state.AddSpentVoucher(settle.BudgetId, settle.TaskId, total);
        TransactionRules.Credit(state, settle.Payee, settle.PayeeAmount);
        TransactionRules.Credit(state, state.Genesis.Treasury, settle.Fee);
        return null;
    }

    public static TxRejection? Apply(LedgerWorkingSet state, long height, BudgetReturn budgetReturn)
    {
        if (!TryGet(state, budgetReturn.BudgetId, out var budget, out var rejection))
        {
            return rejection;
        }

        if (budget.Status == BudgetStatus.Returned)
        {
            return Returned(budgetReturn.BudgetId);
        }

        if (budget.Status == BudgetStatus.Open && height <= budget.ExpiryHeight)
        {
            return new(TxRejectionCodes.BudgetNotClosing,
                $"Budget {budgetReturn.BudgetId} is open until height {budget.ExpiryHeight}; this block is {height}. Only its owner's close returns it earlier.");
        }

        TransactionRules.Credit(state, budget.Owner, budget.Remaining);
        // Its spent vouchers stay: a settle retried after the return must still be seen as paid, not as lost.
        state.SetBudget(budgetReturn.BudgetId, budget with { Remaining = 0, Status = BudgetStatus.Returned });
        return null;
    }

    private static bool TryGet(LedgerWorkingSet state, Hash32 id, [NotNullWhen(true)] out Budget? budget, [NotNullWhen(false)] out TxRejection? rejection)
    {
        budget = state.GetBudget(id);
        rejection = budget is null ? new(TxRejectionCodes.BudgetNotFound, $"No budget {id} was ever opened.") : null;
        return budget is not null;
    }

    private static bool TryGetOwned(
        LedgerWorkingSet state, Hash32 id, Did owner, [NotNullWhen(true)] out Budget? budget, [NotNullWhen(false)] out TxRejection? rejection)
    {
        if (!TryGet(state, id, out budget, out rejection))
        {
            return false;
        }

        if (budget.Owner != owner)
        {
            rejection = new(TxRejectionCodes.NotBudgetOwner, $"Budget {id} belongs to {budget.Owner}, not {owner}.");
            budget = null;
            return false;
        }

        return true;
    }

    private static TxRejection? CheckOpen(Hash32 id, Budget budget) => budget.Status switch
    {
        BudgetStatus.Open => null,
        BudgetStatus.Closing => new(TxRejectionCodes.BudgetClosing, $"Budget {id} was closed by its owner."),
        _ => Returned(id),
    };

    private static TxRejection Returned(Hash32 id) => new(TxRejectionCodes.BudgetReturned, $"Budget {id} was returned to its owner.");

    private static TxRejection Expired(Hash32 id, Budget budget, long height) =>
        new(TxRejectionCodes.BudgetExpired, $"Budget {id} expired at height {budget.ExpiryHeight}; this block is {height}.");
}
