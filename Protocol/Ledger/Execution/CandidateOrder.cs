using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>
/// The order the block builder tries candidates in: the given order, except that each signer's nonce-carrying
/// transactions (transfers, stakes, unstakes, budget top-ups; the orchestrator's batches by sequence) are sorted by nonce, stably,
/// within the positions that signer's nonce-carrying transactions held. So nonce 5 arriving before nonce 4 does not
/// make 4 stale, while signers keep their places (first come, first served) and escrow locks keep theirs.
/// </summary>
internal static class CandidateOrder
{
    public static SignedTransaction[] Arrange(IEnumerable<SignedTransaction> candidates)
    {
        var ordered = candidates.ToArray();
        var slots = new Dictionary<Did, List<int>>();
        for (var i = 0; i < ordered.Length; i++)
        {
            if (TransactionRules.NonceOf(ordered[i].Body) is not null)
            {
                var signer = ordered[i].Body.Signer;
                if (!slots.TryGetValue(signer, out var positions))
                {
                    slots[signer] = positions = [];
                }

                positions.Add(i);
            }
        }

        // Each signer's positions are disjoint from the others', so the order of this loop does not matter.
        foreach (var positions in slots.Values)
        {
            if (positions.Count > 1)
            {
                var sorted = positions.Select(p => ordered[p]).OrderBy(t => TransactionRules.NonceOf(t.Body)).ToArray();
                for (var k = 0; k < positions.Count; k++)
                {
                    ordered[positions[k]] = sorted[k];
                }
            }
        }

        return ordered;
    }
}
