using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>Makes the next block from candidate transactions: what a proposer does. Pure and deterministic.</summary>
public static class BlockBuilder
{
    /// <summary>
    /// Builds the block after <paramref name="before"/>. Tries candidates in <see cref="CandidateOrder"/> (given
    /// order, each signer's nonces ascending), includes each one valid against the state so far, and leaves out, with
    /// the reason, those with a bad signature, a repeated id or a rule violation, until the block holds
    /// <paramref name="maxTransactions"/>. Signatures are verified on up to <paramref name="maxParallelism"/> cores,
    /// only for candidates it reaches, except those <paramref name="verified"/> vouches for (the caller checked that very
    /// signature for this chain), and vouchers likewise except those of the transactions <paramref name="vouchedVouchers"/>
    /// vouches for (see <see cref="VoucherPrevalidation"/>). The block's time is <paramref name="timeUnixMs"/>, or the last block's when that is
    /// later (a proposer whose clock lags must not take the ledger's time back). The result always passes
    /// <see cref="BlockExecution.Execute"/> on <paramref name="before"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="maxTransactions"/> or <paramref name="round"/> is negative, or <paramref name="proposer"/> is
    /// not the validator set's proposer for the next height and <paramref name="round"/>.
    /// </exception>
    public static BuiltBlock Build(
        LedgerState before, IEnumerable<SignedTransaction> candidates, int maxTransactions, int round, int proposer,
        long timeUnixMs, Func<SignedTransaction, bool>? verified = null, int maxParallelism = 1, Func<SignedTransaction, bool>? vouchedVouchers = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTransactions);
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        var batch = LedgerBatch.Begin(before, Math.Max(timeUnixMs, before.TimeUnixMs));
        var chainId = before.Genesis.ChainId;
        if (proposer != before.Genesis.Validators.Proposer(batch.Height, round))
        {
            throw new ArgumentOutOfRangeException(nameof(proposer), proposer, $"Not the proposer of height {batch.Height}, round {round}.");
        }

        var ordered = CandidateOrder.Arrange(candidates);
        var included = ImmutableArray.CreateBuilder<SignedTransaction>();
        var rejected = ImmutableArray.CreateBuilder<RejectedTransaction>();
        var seen = new HashSet<Hash32>();
        var next = 0;
        while (included.Count < maxTransactions && next < ordered.Length)
        {
            // Verify only as many as could still fit, so a long candidate list costs no more than a full block.
            var window = Math.Min(ordered.Length - next, maxTransactions - included.Count);
            var valid = SignatureChecks.Verify(ordered, next, window, chainId, maxParallelism, verified);
            batch.PrecheckVouchers(ordered, next, window, maxParallelism, vouchedVouchers);
            for (var k = 0; k < window; k++)
            {
                var transaction = ordered[next + k];
                var rejection = !valid[k] ? LedgerBatch.BadSignature(transaction)
                    : !seen.Add(transaction.Id) ? new TxRejection(TxRejectionCodes.Duplicate, $"Transaction {transaction.Id} appears more than once.")
                    : batch.TryApply(transaction, signatureChecked: true);
                if (rejection is null)
                {
                    included.Add(transaction);
                }
                else
                {
                    rejected.Add(new RejectedTransaction(transaction, rejection));
                }
            }

            next += window;
        }

        var transactions = included.DrainToImmutable();
        var header = new BlockHeader(chainId, batch.Height, round, before.LastBlockHash, Block.TxRootOf(transactions),
            batch.ComputeStateRoot(), proposer, batch.TimeUnixMs, transactions.Length);
        var block = new Block(header, transactions);
        return new BuiltBlock(block, batch.Commit(block.Hash), rejected.DrainToImmutable());
    }
}
