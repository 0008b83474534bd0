using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>
/// Voucher checks ahead of time, as a validator checks transaction signatures while they wait in the pool: a budget id
/// names its owner for ever (it hashes the owner's key), so a voucher found valid against a finalized state stays valid,
/// and a block's execution may skip it (<see cref="BlockExecution.Execute"/>'s <c>vouchedVouchers</c>).
/// </summary>
public static class VoucherPrevalidation
{
    /// <summary>
    /// True when <paramref name="transaction"/> is a protocol batch with at least one voucher settlement and every one's
    /// signature is its budget owner's, each budget being known in <paramref name="state"/>. Thread-safe; never throws.
    /// </summary>
    public static bool AllValid(LedgerState state, SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Body is not ProtocolBatch batch)
        {
            return false;
        }

        var any = false;
        foreach (var settle in batch.Operations.OfType<VoucherSettle>())
        {
            if (state.GetBudget(settle.BudgetId) is not { } budget || !settle.Voucher.Verify(budget.Owner, settle.Signature, state.Genesis.ChainId))
            {
                return false;
            }

            any = true;
        }

        return any;
    }
}
