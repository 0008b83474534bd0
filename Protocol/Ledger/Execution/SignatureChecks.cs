using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>Verifies many signatures (of transactions, of vouchers), optionally on several cores; the result depends only on the input.</summary>
internal static class SignatureChecks
{
    /// <summary>
    /// Whether each of <paramref name="count"/> transactions from <paramref name="start"/> is validly signed for
    /// <paramref name="chainId"/>. Those <paramref name="verified"/> vouches for (the caller checked that very signature
    /// for this chain before; it must be safe to call from several threads) are not checked again.
    /// </summary>
    public static bool[] Verify(
        IReadOnlyList<SignedTransaction> transactions, int start, int count, string chainId, int maxParallelism, Func<SignedTransaction, bool>? verified) =>
        Run(count, maxParallelism, i => verified?.Invoke(transactions[start + i]) == true || transactions[start + i].VerifySignature(chainId));

    /// <summary>Runs <paramref name="check"/> (which must be safe to call from several threads) for 0 to <paramref name="count"/> - 1.</summary>
    public static bool[] Run(int count, int maxParallelism, Func<int, bool> check)
    {
        var valid = new bool[count];
        if (maxParallelism <= 1 || count < 2)
        {
            for (var i = 0; i < count; i++)
            {
                valid[i] = check(i);
            }
        }
        else
        {
            // Each index writes only its own slot, so the result is the same on any schedule.
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism }, i => valid[i] = check(i));
        }

        return valid;
    }
}
