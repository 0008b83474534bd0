using System.Collections.Immutable;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Ledger.State;

/// <summary>
/// A ledger state as canonical bytes, so a validator can restart from it instead of re-applying every block since
/// genesis. Layout: a magic string, height, last block hash, last block time, orchestrator sequence, then accounts sorted by public key
/// (key, balance, stake, nonce, unbonding entries), escrows sorted by id (id, payer, amount, status, locked-at,
/// closed-at), budgets sorted by id (id, owner, remaining, expiry height, status, spent) and spent vouchers sorted by
/// budget id then task id (budget id, task id, credits paid). The genesis is not inside: the reader supplies it. A snapshot proves nothing by itself; the reader
/// compares <see cref="LedgerState.StateRoot"/> of what it decoded with the root in the stored block header of that height.
/// </summary>
public static class LedgerSnapshot
{
    private const string Magic = "ainur-state/3";

    /// <summary>Encodes <paramref name="state"/>.</summary>
    public static byte[] Encode(LedgerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var accounts = state.AccountMap.OrderBy(a => a.Key.PublicKey.ToArray(), ByteOrder.Instance).ToList();
        var escrows = state.EscrowMap.Values.OrderBy(e => e.Id).ToList();
        var budgets = state.BudgetMap.OrderBy(b => b.Key).ToList();
        var vouchers = state.SpentVoucherMap.OrderBy(v => v.Key)
            .SelectMany(v => v.Value.OrderBy(t => t.Key).Select(t => (BudgetId: v.Key, TaskId: t.Key, Amount: t.Value))).ToList();
        var writer = new CanonicalWriter(64 + (accounts.Count * 80) + (escrows.Count * 120))
            .Text(Magic).I64(state.Height).Hash(state.LastBlockHash).I64(state.TimeUnixMs).I64(state.OrchestratorSequence).I32(accounts.Count);
        foreach (var (did, account) in accounts)
        {
            writer.Did(did).I64(account.Balance).I64(account.Stake).I64(account.Nonce).I32(account.Unbonding.Length);
            foreach (var entry in account.Unbonding)
            {
                writer.I64(entry.Amount).I64(entry.ReleaseHeight);
            }
        }

        writer.I32(escrows.Count);
        foreach (var escrow in escrows)
        {
            writer.Hash(escrow.Id).Did(escrow.Payer).I64(escrow.Amount).U8((byte)escrow.Status).I64(escrow.LockedAtHeight).I64(escrow.ClosedAtHeight);
        }

        writer.I32(budgets.Count);
        foreach (var (id, budget) in budgets)
        {
            writer.Hash(id).Did(budget.Owner).I64(budget.Remaining).I64(budget.ExpiryHeight).U8((byte)budget.Status).I64(budget.Spent);
        }

        writer.I32(vouchers.Count);
        foreach (var (budgetId, taskId, amount) in vouchers)
        {
            writer.Hash(budgetId).Hash(taskId).I64(amount);
        }

        return writer.ToArray();
    }

    /// <summary>Decodes a snapshot of a ledger that started from <paramref name="genesis"/>.</summary>
    /// <exception cref="FormatException">Not a snapshot, or malformed.</exception>
    public static LedgerState Decode(Genesis genesis, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var reader = new CanonicalReader(bytes);
        if (reader.Text() != Magic)
        {
            throw new FormatException("Not an Ainur ledger snapshot.");
        }

        var height = reader.I64();
        var lastBlockHash = reader.Hash();
        var time = reader.I64();
        var sequence = reader.I64();
        var working = new LedgerWorkingSet(LedgerState.Empty(genesis));
        var accountCount = reader.Count(32 + 28);
        for (var i = 0; i < accountCount; i++)
        {
            var did = reader.Did();
            var (balance, stake, nonce) = (reader.I64(), reader.I64(), reader.I64());
            var entries = ImmutableArray.CreateBuilder<UnbondingEntry>(reader.Count(16));
            while (entries.Count < entries.Capacity)
            {
                var entry = new UnbondingEntry(reader.I64(), reader.I64());
                entries.Add(entry);
                working.ScheduleRelease(entry.ReleaseHeight, did);
            }

            working.SetAccount(did, new Account(balance, stake, entries.MoveToImmutable(), nonce));
        }

        var escrowCount = reader.Count(32 + 32 + 25);
        for (var i = 0; i < escrowCount; i++)
        {
            var (id, payer, amount) = (reader.Hash(), reader.Did(), reader.I64());
            var status = (EscrowStatus)reader.U8();
            if (!Enum.IsDefined(status))
            {
                throw new FormatException($"Unknown escrow status {(byte)status}.");
            }

            working.SetEscrow(new Escrow(id, payer, amount, status, reader.I64(), reader.I64()));
        }

        var budgetCount = reader.Count(32 + 32 + 25);
        for (var i = 0; i < budgetCount; i++)
        {
            var (id, owner, remaining, expiry) = (reader.Hash(), reader.Did(), reader.I64(), reader.I64());
            var status = (BudgetStatus)reader.U8();
            if (!Enum.IsDefined(status))
            {
                throw new FormatException($"Unknown budget status {(byte)status}.");
            }

            working.SetBudget(id, new Budget(owner, remaining, expiry, status, reader.I64()));
        }

        var voucherCount = reader.Count(32 + 32 + 8);
        for (var i = 0; i < voucherCount; i++)
        {
            var (budgetId, taskId) = (reader.Hash(), reader.Hash());
            if (working.IsVoucherSpent(budgetId, taskId))
            {
                throw new FormatException($"Voucher {budgetId}/{taskId} appears twice.");
            }

            working.AddSpentVoucher(budgetId, taskId, reader.I64());
        }

        reader.EnsureEnd();
        working.OrchestratorSequence = sequence;
        return working.ToState(height, lastBlockHash, time);
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static ByteOrder Instance { get; } = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
