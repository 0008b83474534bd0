using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Ledger.Budgets;

/// <summary>How budget ids are derived, so the owner knows its budget's id before the ledger applies the open.</summary>
public static class BudgetIds
{
    /// <summary>Blake2b-256 over <see cref="HashDomain.BudgetId"/>, the owner's 32-byte public key and the nonce (8 bytes, big-endian).</summary>
    public static Hash32 Of(Did owner, long nonce) =>
        Blake2b.Hash(HashDomain.BudgetId, new CanonicalWriter(48).Did(owner).I64(nonce).Written);
}
