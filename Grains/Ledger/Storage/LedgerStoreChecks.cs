using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Grains.Ledger.Storage;

/// <summary>The argument checks and refusals every <see cref="ILedgerStore"/> shares, so both stores fail alike.</summary>
internal static class LedgerStoreChecks
{
    public static void CheckSave(string chainId, int validator, FinalizedBlock block)
    {
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        ArgumentOutOfRangeException.ThrowIfNegative(validator);
        ArgumentNullException.ThrowIfNull(block);
        CheckBlock(chainId, block.Block, nameof(block));
        if (!block.CertificateMatchesBlock)
        {
            throw new ArgumentException(
                $"The certificate is for block {block.Certificate.BlockHash} at height {block.Certificate.Height}, not block {block.Block.Hash} at {block.Height}.",
                nameof(block));
        }
    }

    public static void CheckIndex(string chainId, Block block)
    {
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        ArgumentNullException.ThrowIfNull(block);
        CheckBlock(chainId, block, nameof(block));
    }

    /// <summary>
    /// Explains why a save inserted nothing, given the hash stored at the block's height and at the height below
    /// (null: none): returns when the same block is already stored (idempotent), throws otherwise.
    /// </summary>
    public static void ThrowUnlessAlreadyStored(string chainId, int validator, FinalizedBlock block, Hash32? stored, Hash32? below)
    {
        if (stored is { } storedHash)
        {
            if (storedHash == block.Block.Hash) return;
            throw new LedgerForkException(chainId, validator, block.Height, storedHash, block.Block.Hash);
        }

        if (below is { } belowHash && belowHash != block.Block.Header.PreviousHash)
        {
            throw new LedgerForkException(chainId, validator, block.Height - 1, belowHash, block.Block.Header.PreviousHash);
        }

        throw new InvalidOperationException(
            $"Validator {validator} of chain '{chainId}' has no block at height {block.Height - 1}: blocks are saved in height order.");
    }

    public static InvalidOperationException IndexGap(string chainId, long height, long indexed) =>
        new($"Chain '{chainId}' is indexed to height {indexed}: block {height} cannot be indexed before block {indexed + 1}.");

    /// <summary>Decodes a stored block and certificate, failing loudly unless they are the block the row names.</summary>
    /// <exception cref="InvalidDataException">Corrupt bytes.</exception>
    public static FinalizedBlock DecodeStored(string chainId, int validator, long height, Hash32 hash, byte[] block, byte[] certificate)
    {
        FinalizedBlock decoded;
        try
        {
            decoded = new FinalizedBlock(Block.Decode(block), FinalizedBlock.DecodeCertificate(certificate));
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"Stored block {height} of validator {validator} of chain '{chainId}' does not decode.", e);
        }

        if (decoded.Height != height || decoded.Block.Hash != hash || !decoded.CertificateMatchesBlock)
        {
            throw new InvalidDataException($"Stored block {height} of validator {validator} of chain '{chainId}' is not the block its row names.");
        }

        return decoded;
    }

    private static void CheckBlock(string chainId, Block block, string parameter)
    {
        if (block.Header.ChainId != chainId)
        {
            throw new ArgumentException($"The block is for chain '{block.Header.ChainId}', not '{chainId}'.", parameter);
        }

        if (block.Height < 1)
        {
            throw new ArgumentException($"Block heights start at 1, not {block.Height}.", parameter);
        }
    }
}
