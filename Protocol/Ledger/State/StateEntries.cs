using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Ledger.State;

/// <summary>The leaf hashes of state entries, as <see cref="LedgerState"/>'s remarks define them.</summary>
internal static class StateEntries
{
    public static Hash32 AccountHash(Did did, Account account)
    {
        var writer = new CanonicalWriter(96 + (16 * account.Unbonding.Length))
            .U8((byte)StateEntryKind.Account).Did(did).I64(account.Balance).I64(account.Stake).I64(account.Nonce)
            .I32(account.Unbonding.Length);
        foreach (var entry in account.Unbonding)
        {
            writer.I64(entry.Amount).I64(entry.ReleaseHeight);
        }

        return Blake2b.Hash(HashDomain.StateEntry, writer.Written);
    }

    public static Hash32 EscrowHash(Escrow escrow)
    {
        var writer = new CanonicalWriter(128).U8((byte)StateEntryKind.Escrow).Hash(escrow.Id).Did(escrow.Payer)
            .I64(escrow.Amount).U8((byte)escrow.Status).I64(escrow.LockedAtHeight).I64(escrow.ClosedAtHeight);
        return Blake2b.Hash(HashDomain.StateEntry, writer.Written);
    }

    public static Hash32 BudgetHash(Hash32 id, Budget budget)
    {
        var writer = new CanonicalWriter(128).U8((byte)StateEntryKind.Budget).Hash(id).Did(budget.Owner)
            .I64(budget.Remaining).I64(budget.ExpiryHeight).U8((byte)budget.Status).I64(budget.Spent);
        return Blake2b.Hash(HashDomain.StateEntry, writer.Written);
    }

    public static Hash32 SpentVoucherHash(Hash32 budgetId, Hash32 taskId, long amount) =>
        Blake2b.Hash(HashDomain.StateEntry, new CanonicalWriter(80).U8((byte)StateEntryKind.SpentVoucher).Hash(budgetId).Hash(taskId).I64(amount).Written);

    public static Hash32 ChainHash(long orchestratorSequence) =>
        Blake2b.Hash(HashDomain.StateEntry, new CanonicalWriter(16).U8((byte)StateEntryKind.Chain).I64(orchestratorSequence).Written);
}
