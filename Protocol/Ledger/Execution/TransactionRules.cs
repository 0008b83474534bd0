using System.Collections.Immutable;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>
/// The state transition rules of client transactions; <see cref="ProtocolRules"/> has the orchestrator's. Each rule
/// checks everything before it writes, returns null when applied or the rejection, and uses checked arithmetic, so a
/// broken supply invariant throws instead of wrapping. The caller discards a rejected transaction's writes.
/// </summary>
internal static class TransactionRules
{
    public static TxRejection? Apply(LedgerWorkingSet state, long height, long timeUnixMs, VoucherSignatures vouchers, TxBody body) => body switch
    {
        Transfer transfer => Apply(state, transfer),
        Stake stake => Apply(state, stake),
        Unstake unstake => Apply(state, height, unstake),
        EscrowLock escrowLock => Apply(state, height, timeUnixMs, escrowLock),
        ProtocolBatch batch => ProtocolRules.Apply(state, height, vouchers, batch),
        BudgetOpen open => BudgetRules.Apply(state, height, open),
        BudgetTopUp topUp => BudgetRules.Apply(state, height, topUp),
        BudgetClose close => BudgetRules.Apply(state, close),
        _ => throw new ArgumentException($"Unknown transaction body {body.GetType().Name}.", nameof(body)),
    };

    /// <summary>The nonce a body spends, or null for kinds without one (an escrow lock's or a budget's id is its replay guard).</summary>
    public static long? NonceOf(TxBody body) => body switch
    {
        Transfer transfer => transfer.Nonce,
        Stake stake => stake.Nonce,
        Unstake unstake => unstake.Nonce,
        BudgetTopUp topUp => topUp.Nonce,
        ProtocolBatch batch => batch.Sequence,
        _ => null,
    };

    public static void Credit(LedgerWorkingSet state, Did did, long amount)
    {
        if (amount > 0)
        {
            var account = state.GetAccount(did);
            state.SetAccount(did, account with { Balance = checked(account.Balance + amount) });
        }
    }

    public static TxRejection BadAmount(string what, long amount) =>
        new(TxRejectionCodes.BadAmount, $"The {what} must be positive, not {amount}.");

    private static TxRejection? Apply(LedgerWorkingSet state, Transfer transfer)
    {
        if (transfer.Amount <= 0)
        {
            return BadAmount("amount", transfer.Amount);
        }

        if (transfer.From == transfer.To)
        {
            return new(TxRejectionCodes.SelfTransfer, "A transfer must go to another account.");
        }

        var sender = state.GetAccount(transfer.From);
        if ((CheckNonce(sender, transfer.Nonce) ?? CheckBalance(sender, transfer.Amount)) is { } rejection)
        {
            return rejection;
        }

        state.SetAccount(transfer.From, sender with { Balance = sender.Balance - transfer.Amount, Nonce = transfer.Nonce });
        Credit(state, transfer.To, transfer.Amount);
        return null;
    }

    private static TxRejection? Apply(LedgerWorkingSet state, Stake stake)
    {
        if (stake.Amount <= 0)
        {
            return BadAmount("amount", stake.Amount);
        }

        var account = state.GetAccount(stake.Account);
        if ((CheckNonce(account, stake.Nonce) ?? CheckBalance(account, stake.Amount)) is { } rejection)
        {
            return rejection;
        }

        state.SetAccount(stake.Account, account with
        {
            Balance = account.Balance - stake.Amount,
            Stake = checked(account.Stake + stake.Amount),
            Nonce = stake.Nonce,
        });
        return null;
    }

    // The entry returns at the start of block height + UnbondingBlocks; unstakes due at the same height share one entry.
    private static TxRejection? Apply(LedgerWorkingSet state, long height, Unstake unstake)
    {
        if (unstake.Amount <= 0)
        {
            return BadAmount("amount", unstake.Amount);
        }

        var account = state.GetAccount(unstake.Account);
        if (CheckNonce(account, unstake.Nonce) is { } rejection)
        {
            return rejection;
        }

        if (account.Stake < unstake.Amount)
        {
            return new(TxRejectionCodes.InsufficientStake, $"Stake {account.Stake} is less than {unstake.Amount}.");
        }

        var release = checked(height + state.Genesis.UnbondingBlocks);
        var entries = account.Unbonding;
        entries = !entries.IsEmpty && entries[^1].ReleaseHeight == release
            ? entries.SetItem(entries.Length - 1, new UnbondingEntry(checked(entries[^1].Amount + unstake.Amount), release))
            : entries.Add(new UnbondingEntry(unstake.Amount, release));
        state.SetAccount(unstake.Account, account with { Stake = account.Stake - unstake.Amount, Unbonding = entries, Nonce = unstake.Nonce });
        state.ScheduleRelease(release, unstake.Account);
        return null;
    }

    private static TxRejection? Apply(LedgerWorkingSet state, long height, long timeUnixMs, EscrowLock escrowLock)
    {
        if (escrowLock.Amount <= 0)
        {
            return BadAmount("amount", escrowLock.Amount);
        }

        if (timeUnixMs > escrowLock.Expiry)
        {
            return new(TxRejectionCodes.EscrowLockExpired, $"The lock expired at {escrowLock.Expiry} (Unix ms); this block's time is {timeUnixMs}.");
        }

        if (state.GetEscrow(escrowLock.EscrowId) is not null)
        {
            return new(TxRejectionCodes.EscrowExists, $"Escrow {escrowLock.EscrowId} was already locked; an escrow id is usable once.");
        }

        var payer = state.GetAccount(escrowLock.Payer);
        if (CheckBalance(payer, escrowLock.Amount) is { } rejection)
        {
            return rejection;
        }

        state.SetAccount(escrowLock.Payer, payer with { Balance = payer.Balance - escrowLock.Amount });
        state.SetEscrow(new Escrow(escrowLock.EscrowId, escrowLock.Payer, escrowLock.Amount, EscrowStatus.Locked, height, 0));
        return null;
    }

    /// <summary>Moves credits due at the start of block <paramref name="height"/> from unbonding to balance.</summary>
    public static void ReleaseUnbonding(LedgerWorkingSet state, long height)
    {
        foreach (var did in state.TakeReleases(height))
        {
            var account = state.GetAccount(did);
            var due = 0;
            var released = 0L;
            while (due < account.Unbonding.Length && account.Unbonding[due].ReleaseHeight <= height)
            {
                released = checked(released + account.Unbonding[due].Amount);
                due++;
            }

            if (due > 0)
            {
                state.SetAccount(did, account with
                {
                    Balance = checked(account.Balance + released),
                    Unbonding = ImmutableArray.Create(account.Unbonding.AsSpan()[due..]),
                });
            }
        }
    }

    public static TxRejection? CheckNonce(Account account, long nonce) =>
        nonce > account.Nonce
            ? null
            : new(TxRejectionCodes.NonceNotIncreasing, $"Nonce {nonce} does not exceed the last used nonce {account.Nonce}.");

    public static TxRejection? CheckBalance(Account account, long amount) =>
        account.Balance >= amount
            ? null
            : new(TxRejectionCodes.InsufficientBalance, $"Balance {account.Balance} is less than {amount}.");
}
