using System.Buffers.Binary;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Merkle;

namespace Ainur.Protocol.Tests.Ledger;

/// <summary>
/// The state root computed from scratch, straight from LedgerState's documented definition and its public content:
/// the incremental tree must always agree with it, which also makes the root a function of content alone.
/// </summary>
internal static class StateRootOracle
{
    public static Hash32 Compute(LedgerState state)
    {
        var entries = new List<(byte[] Key, Hash32 Leaf)>();
        foreach (var (did, account) in state.Accounts)
        {
            var writer = new CanonicalWriter().U8(1).Did(did).I64(account.Balance).I64(account.Stake).I64(account.Nonce).I32(account.Unbonding.Length);
            foreach (var entry in account.Unbonding)
            {
                writer.I64(entry.Amount).I64(entry.ReleaseHeight);
            }

            entries.Add(([1, .. did.PublicKey.Span], Blake2b.Hash(HashDomain.StateEntry, writer.Written)));
        }

        foreach (var escrow in state.Escrows)
        {
            var writer = new CanonicalWriter().U8(2).Hash(escrow.Id).Did(escrow.Payer).I64(escrow.Amount).U8((byte)escrow.Status)
                .I64(escrow.LockedAtHeight).I64(escrow.ClosedAtHeight);
            entries.Add(([2, .. escrow.Id.Span], Blake2b.Hash(HashDomain.StateEntry, writer.Written)));
        }

        foreach (var (id, budget) in state.Budgets)
        {
            var writer = new CanonicalWriter().U8(4).Hash(id).Did(budget.Owner).I64(budget.Remaining).I64(budget.ExpiryHeight)
                .U8((byte)budget.Status).I64(budget.Spent);
            entries.Add(([4, .. id.Span], Blake2b.Hash(HashDomain.StateEntry, writer.Written)));
        }

        foreach (var (budgetId, taskId, paid) in state.SpentVouchers)
        {
            var key = Blake2b.Hash(HashDomain.SpentVoucher, new CanonicalWriter().Hash(budgetId).Hash(taskId).Written);
            entries.Add(([5, .. key.Span], Blake2b.Hash(HashDomain.StateEntry, new CanonicalWriter().U8(5).Hash(budgetId).Hash(taskId).I64(paid).Written)));
        }

        entries.Add(([3, .. new byte[32]], Blake2b.Hash(HashDomain.StateEntry, new CanonicalWriter().U8(3).I64(state.OrchestratorSequence).Written)));

        var buckets = new List<(byte[] Key, Hash32 Leaf)>?[1 << 16];
        foreach (var entry in entries)
        {
            var bucket = BinaryPrimitives.ReadUInt16BigEndian(Blake2b.Content(entry.Key).Span);
            (buckets[bucket] ??= []).Add(entry);
        }

        var bucketRoots = buckets.Select(b => b is null
            ? MerkleTree.EmptyRoot
            : MerkleTree.FromLeafHashes([.. b.OrderBy(e => e.Key, Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).Select(e => e.Leaf)]).Root);
        return MerkleTree.FromLeafHashes([.. bucketRoots]).Root;
    }
}
