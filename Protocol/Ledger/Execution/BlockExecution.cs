using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>
/// Decides whether a block is valid on top of a state and computes the state after it. Pure and deterministic: the
/// same state and block give the same outcome on every validator, whatever the parallelism. Of the header's time only
/// its order is checked here (never before the last block's); how close it is to real time is not judged.
/// </summary>
public static class BlockExecution
{
    /// <summary>
    /// Checks a proposed block completely, in <see cref="BlockCheck"/> order: chain id, height, previous hash,
    /// proposer, transaction count and root, time, every signature (on up to <paramref name="maxParallelism"/> cores; the
    /// lowest invalid index is reported), every transaction in order (vouchers' signatures checked beforehand on as many
    /// cores), and the state root. Returns the first failure
    /// or the state after the block. Signatures <paramref name="verified"/> vouches for (this validator checked that
    /// very signature for this chain already, say while the transaction waited in the pool) are not checked twice, nor
    /// the vouchers of the transactions <paramref name="vouchedVouchers"/> vouches for (see <see cref="VoucherPrevalidation"/>).
    /// </summary>
    public static BlockOutcome Execute(
        LedgerState before, Block block, int maxParallelism = 1, Func<SignedTransaction, bool>? verified = null,
        Func<SignedTransaction, bool>? vouchedVouchers = null) =>
        Run(before, block, verifySignatures: true, maxParallelism, verified, vouchedVouchers);

    /// <summary>
    /// Applies a block whose commit certificate the caller has verified: every check of <see cref="Execute"/> but the
    /// signatures (of transactions and of vouchers), which more than two thirds of the validators checked before committing it. A failure here means
    /// the certificate or this node's state is wrong, never that the block may be skipped.
    /// </summary>
    public static BlockOutcome ApplyFinalized(LedgerState before, Block block) =>
        Run(before, block, verifySignatures: false, maxParallelism: 1, verified: null, vouchedVouchers: null);

    private static BlockOutcome Run(
        LedgerState before, Block block, bool verifySignatures, int maxParallelism, Func<SignedTransaction, bool>? verified,
        Func<SignedTransaction, bool>? vouchedVouchers)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(block);
        if (CheckHeader(before, block) is { } failure)
        {
            return failure;
        }

        var transactions = block.Transactions;
        if (verifySignatures)
        {
            var valid = SignatureChecks.Verify(transactions, 0, transactions.Length, before.Genesis.ChainId, maxParallelism, verified);
            var bad = Array.IndexOf(valid, false);
            if (bad >= 0)
            {
                var rejection = LedgerBatch.BadSignature(transactions[bad]);
                return BlockOutcome.Invalid(BlockCheck.Signature, $"Transaction {bad}: {rejection.Message}", bad, rejection);
            }
        }

        var batch = verifySignatures
            ? LedgerBatch.Begin(before, block.Header.TimeUnixMs)
            : LedgerBatch.BeginFinalized(before, block.Header.TimeUnixMs);
        if (verifySignatures)
        {
            batch.PrecheckVouchers(transactions, 0, transactions.Length, maxParallelism, vouchedVouchers);
        }

        for (var i = 0; i < transactions.Length; i++)
        {
            if (batch.TryApply(transactions[i], signatureChecked: true) is { } rejection)
            {
                return BlockOutcome.Invalid(BlockCheck.Transaction, $"Transaction {i} is invalid: {rejection.Message}", i, rejection);
            }
        }

        var root = batch.ComputeStateRoot();
        return root == block.Header.StateRoot
            ? BlockOutcome.Valid(batch.Commit(block.Hash))
            : BlockOutcome.Invalid(BlockCheck.StateRoot, $"The header's state root {block.Header.StateRoot} is not the resulting root {root}.");
    }

    private static BlockOutcome? CheckHeader(LedgerState before, Block block)
    {
        var header = block.Header;
        var genesis = before.Genesis;
        if (!string.Equals(header.ChainId, genesis.ChainId, StringComparison.Ordinal))
        {
            return BlockOutcome.Invalid(BlockCheck.ChainId, $"The block is for chain '{header.ChainId}', not '{genesis.ChainId}'.");
        }

        if (header.Height != before.Height + 1)
        {
            return BlockOutcome.Invalid(BlockCheck.Height, $"The block's height is {header.Height}; the next is {before.Height + 1}.");
        }

        if (header.PreviousHash != before.LastBlockHash)
        {
            return BlockOutcome.Invalid(BlockCheck.PreviousHash, $"The previous hash {header.PreviousHash} is not the last block's {before.LastBlockHash}.");
        }

        if (header.Round < 0 || header.Proposer != genesis.Validators.Proposer(header.Height, header.Round))
        {
            return BlockOutcome.Invalid(BlockCheck.Proposer, $"Validator {header.Proposer} is not the proposer of height {header.Height}, round {header.Round}.");
        }

        if (header.TxCount != block.Transactions.Length)
        {
            return BlockOutcome.Invalid(BlockCheck.TxCount, $"The header counts {header.TxCount} transactions; the block holds {block.Transactions.Length}.");
        }

        var txRoot = block.ComputeTxRoot();
        if (header.TxRoot != txRoot)
        {
            return BlockOutcome.Invalid(BlockCheck.TxRoot, $"The header's transaction root {header.TxRoot} is not the transactions' {txRoot}.");
        }

        // Monotonic time is what makes an escrow lock's expiry final: no block after one past it can go back before it.
        return header.TimeUnixMs >= before.TimeUnixMs
            ? null
            : BlockOutcome.Invalid(BlockCheck.Time, $"The block's time {header.TimeUnixMs} is before the last block's {before.TimeUnixMs}.");
    }
}
