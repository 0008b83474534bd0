using System.Diagnostics.CodeAnalysis;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>
/// The rules of a <see cref="ProtocolBatch"/>: signed by the genesis' orchestrator, sequence above the last one,
/// at least one operation, and every operation valid against the state its predecessors in the batch left. The first
/// invalid operation rejects the batch (its message and <see cref="TxRejection.Operation"/> give the operation's index);
/// the caller discards all its writes.
/// </summary>
internal static class ProtocolRules
{
    public static TxRejection? Apply(LedgerWorkingSet state, long height, VoucherSignatures vouchers, ProtocolBatch batch)
    {
        if (batch.Orchestrator != state.Genesis.Orchestrator)
        {
            return new(TxRejectionCodes.NotOrchestrator, $"{batch.Orchestrator} is not this ledger's orchestrator.");
        }

        if (batch.Sequence <= state.OrchestratorSequence)
        {
            return new(TxRejectionCodes.NonceNotIncreasing,
                $"Batch sequence {batch.Sequence} does not exceed the last used sequence {state.OrchestratorSequence}.");
        }

        if (batch.Operations.IsDefaultOrEmpty)
        {
            return new(TxRejectionCodes.EmptyBatch, "A protocol batch needs at least one operation.");
        }

        state.OrchestratorSequence = batch.Sequence;
        for (var i = 0; i < batch.Operations.Length; i++)
        {
            var rejection = batch.Operations[i] switch
            {
                EscrowRelease release => Apply(state, height, release),
                EscrowRefund refund => Apply(state, height, refund),
                EscrowPayout payout => Apply(state, height, payout),
                Slash slash => Apply(state, slash),
                VoucherSettle settle => BudgetRules.Apply(state, height, vouchers, settle),
                BudgetReturn budgetReturn => BudgetRules.Apply(state, height, budgetReturn),
                var op => throw new ArgumentException($"Unknown protocol operation {op.GetType().Name}.", nameof(batch)),
            };
            if (rejection is not null)
            {
                return rejection with { Message = $"Operation {i}: {rejection.Message}", Operation = i };
            }
        }

        return null;
    }

    private static TxRejection? Apply(LedgerWorkingSet state, long height, EscrowRelease release)
    {
        if (release.PayeeAmount < 0 || release.Fee < 0)
        {
            return new(TxRejectionCodes.BadAmount, $"Payee amount {release.PayeeAmount} and fee {release.Fee} must not be negative.");
        }

        if (!TryGetLocked(state, release.EscrowId, out var escrow, out var rejection))
        {
            return rejection;
        }

        // Compared without adding, so huge amounts cannot wrap around.
        if (release.PayeeAmount > escrow.Amount || release.Fee > escrow.Amount - release.PayeeAmount)
        {
            return new(TxRejectionCodes.ReleaseExceedsEscrow,
                $"Payee amount {release.PayeeAmount} plus fee {release.Fee} exceed the escrow's {escrow.Amount}.");
        }

        TransactionRules.Credit(state, release.Payee, release.PayeeAmount);
        TransactionRules.Credit(state, state.Genesis.Treasury, release.Fee);
        TransactionRules.Credit(state, escrow.Payer, escrow.Amount - release.PayeeAmount - release.Fee);
        state.SetEscrow(escrow with { Status = EscrowStatus.Released, ClosedAtHeight = height });
        return null;
    }

    private static TxRejection? Apply(LedgerWorkingSet state, long height, EscrowPayout payout)
    {
        if (payout.Payouts.IsDefaultOrEmpty || payout.Payouts.Length > EscrowPayout.MaxPayouts)
        {
            return new(TxRejectionCodes.BadPayoutCount,
                $"An escrow payout needs 1 to {EscrowPayout.MaxPayouts} payouts, not {(payout.Payouts.IsDefault ? 0 : payout.Payouts.Length)}.");
        }

        if (payout.Fee < 0 || payout.Payouts.Any(p => p.Amount < 0))
        {
            return new(TxRejectionCodes.BadAmount, $"Payout amounts and the fee {payout.Fee} must not be negative.");
        }

        if (!TryGetLocked(state, payout.EscrowId, out var escrow, out var rejection))
        {
            return rejection;
        }

        // What is left after each part, compared before subtracting, so huge amounts cannot wrap around.
        var rest = escrow.Amount;
        foreach (var amount in payout.Payouts.Select(p => p.Amount).Append(payout.Fee))
        {
            if (amount > rest)
            {
                return new(TxRejectionCodes.ReleaseExceedsEscrow, $"The payouts plus the fee {payout.Fee} exceed the escrow's {escrow.Amount}.");
            }

            rest -= amount;
        }

        foreach (var (payee, amount) in payout.Payouts)
        {
            TransactionRules.Credit(state, payee, amount);
        }

        TransactionRules.Credit(state, state.Genesis.Treasury, payout.Fee);
        TransactionRules.Credit(state, escrow.Payer, rest);
        state.SetEscrow(escrow with { Status = EscrowStatus.Released, ClosedAtHeight = height });
        return null;
    }

    private static TxRejection? Apply(LedgerWorkingSet state, long height, EscrowRefund refund)
    {
        if (!TryGetLocked(state, refund.EscrowId, out var escrow, out var rejection))
        {
            return rejection;
        }

        TransactionRules.Credit(state, escrow.Payer, escrow.Amount);
        state.SetEscrow(escrow with { Status = EscrowStatus.Refunded, ClosedAtHeight = height });
        return null;
    }

    // Takes from the stake first, then from the unbonding entries latest first (the ones furthest from release).
    private static TxRejection? Apply(LedgerWorkingSet state, Slash slash)
    {
        if (slash.Amount <= 0)
        {
            return TransactionRules.BadAmount("slash amount", slash.Amount);
        }

        if (slash.BeneficiaryShare < 0 || slash.BeneficiaryShare > slash.Amount)
        {
            return new(TxRejectionCodes.BadAmount, $"The beneficiary's share {slash.BeneficiaryShare} must lie between 0 and {slash.Amount}.");
        }

        var account = state.GetAccount(slash.Account);
        var slashable = checked(account.Stake + account.UnbondingTotal);
        if (slashable < slash.Amount)
        {
            return new(TxRejectionCodes.InsufficientStake, $"Stake and unbonding {slashable} are less than {slash.Amount}.");
        }

        var fromStake = Math.Min(account.Stake, slash.Amount);
        var remaining = slash.Amount - fromStake;
        var entries = account.Unbonding;
        while (remaining > 0)
        {
            var last = entries[^1];
            var taken = Math.Min(last.Amount, remaining);
            entries = taken == last.Amount
                ? entries.RemoveAt(entries.Length - 1)
                : entries.SetItem(entries.Length - 1, last with { Amount = last.Amount - taken });
            remaining -= taken;
        }

        state.SetAccount(slash.Account, account with { Stake = account.Stake - fromStake, Unbonding = entries });
        TransactionRules.Credit(state, slash.Beneficiary, slash.BeneficiaryShare);
        TransactionRules.Credit(state, state.Genesis.Treasury, slash.Amount - slash.BeneficiaryShare);
        return null;
    }

    private static bool TryGetLocked(
        LedgerWorkingSet state, Hash32 id, [NotNullWhen(true)] out Escrow? escrow, [NotNullWhen(false)] out TxRejection? rejection)
    {
        escrow = state.GetEscrow(id);
        if (escrow is null)
        {
            rejection = new(TxRejectionCodes.UnknownEscrow, $"No escrow {id} was ever locked.");
            return false;
        }

        if (escrow.Status != EscrowStatus.Locked)
        {
            rejection = new(TxRejectionCodes.EscrowClosed, $"Escrow {id} is already {escrow.Status.ToString().ToLowerInvariant()}.");
            return false;
        }

        rejection = null;
        return true;
    }
}
