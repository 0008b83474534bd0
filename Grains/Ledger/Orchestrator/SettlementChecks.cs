using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Ledger.Orchestrator;

/// <summary>
/// Whether a unit of protocol operations the ledger refused was in fact applied before (a retry after a lost answer or a
/// crash): each operation that can apply only once shows it on the ledger (an escrow closed that way, a voucher spent,
/// a budget returned). Slashes show nothing of their own: they travel in a unit with one of those.
/// </summary>
internal static class SettlementChecks
{
    /// <summary>True when every once-only operation of <paramref name="unit"/> is seen applied on the ledger.</summary>
    public static async Task<bool> AppliedAsync(IGrainFactory grains, ImmutableArray<ProtocolOp> unit)
    {
        var query = grains.GetGrain<ILedgerQueryGrain>(0);
        foreach (var op in unit)
        {
            var applied = op switch
            {
                EscrowRelease release => (await query.GetEscrowAsync(release.EscrowId)).Escrow?.Status == EscrowStatus.Released,
                EscrowPayout payout => (await query.GetEscrowAsync(payout.EscrowId)).Escrow?.Status == EscrowStatus.Released,
                EscrowRefund refund => (await query.GetEscrowAsync(refund.EscrowId)).Escrow?.Status == EscrowStatus.Refunded,
                VoucherSettle voucher => await query.IsVoucherSpentAsync(voucher.BudgetId, voucher.TaskId),
                BudgetReturn budget => (await query.GetBudgetAsync(budget.BudgetId)).Budget?.Status == BudgetStatus.Returned,
                _ => true,
            };
            if (!applied)
            {
                return false;
            }
        }

        return true;
    }
}
