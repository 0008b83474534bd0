using NSec.Cryptography;

namespace Ainur.Protocol.Hashing;

/// <summary>
/// Blake2b-256 with domain separation: every hash Ainur computes starts with a one-byte <see cref="HashDomain"/>,
/// so bytes hashed for one purpose (a Merkle leaf, a block header, a transaction id) can never be passed off as another.
/// </summary>
public static class Blake2b
{
    private const int StackLimit = 1024;

    /// <summary>Blake2b-256 of <paramref name="domain"/> followed by <paramref name="data"/>.</summary>
    public static Hash32 Hash(HashDomain domain, ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Hash32.Length];
        if (data.Length < StackLimit)
        {
            Span<byte> input = stackalloc byte[data.Length + 1];
            input[0] = (byte)domain;
            data.CopyTo(input[1..]);
            HashAlgorithm.Blake2b_256.Hash(input, digest);
        }
        else
        {
            IncrementalHash.Initialize(HashAlgorithm.Blake2b_256, out var state);
            IncrementalHash.Update(ref state, [(byte)domain]);
            IncrementalHash.Update(ref state, data);
            IncrementalHash.Finalize(ref state, digest);
        }

        return new Hash32(digest);
    }

    /// <summary>Blake2b-256 of <paramref name="domain"/>, <paramref name="left"/> and <paramref name="right"/>: a Merkle inner node.</summary>
    public static Hash32 Hash(HashDomain domain, Hash32 left, Hash32 right)
    {
        Span<byte> input = stackalloc byte[1 + 2 * Hash32.Length];
        input[0] = (byte)domain;
        left.Span.CopyTo(input[1..]);
        right.Span.CopyTo(input[(1 + Hash32.Length)..]);
        Span<byte> digest = stackalloc byte[Hash32.Length];
        HashAlgorithm.Blake2b_256.Hash(input, digest);
        return new Hash32(digest);
    }

    /// <summary>Plain Blake2b-256 (no domain byte) of content such as a WASM module or a task output.</summary>
    public static Hash32 Content(ReadOnlySpan<byte> data) => new(HashAlgorithm.Blake2b_256.Hash(data));
}

/// <summary>The first byte of every domain-separated hash; values are part of the protocol and never change.</summary>
public enum HashDomain : byte
{
    /// <summary>A Merkle leaf: the leaf's canonical bytes (RFC 9162 uses 0x00 too).</summary>
    MerkleLeaf = 0x00,

    /// <summary>A Merkle inner node: left child hash then right child hash (RFC 9162 uses 0x01 too).</summary>
    MerkleNode = 0x01,

    /// <summary>The root of a Merkle tree with no leaves.</summary>
    MerkleEmpty = 0x02,

    /// <summary>A transaction id: the canonical bytes of the unsigned transaction body.</summary>
    TransactionId = 0x10,

    /// <summary>A block hash: the canonical bytes of the block header.</summary>
    BlockHeader = 0x11,

    /// <summary>The genesis document, whose hash is the previous hash of block 1.</summary>
    Genesis = 0x12,

    /// <summary>A ledger state entry (account or escrow) under the state root.</summary>
    StateEntry = 0x13,

    /// <summary>A validator set.</summary>
    ValidatorSet = 0x14,

    /// <summary>A budget id: the canonical owner DID and the owner's chosen nonce (see <c>BudgetIds.Of</c>).</summary>
    BudgetId = 0x15,

    /// <summary>The 32 bytes that key a spent voucher in the state: its budget id then its task id.</summary>
    SpentVoucher = 0x16,

    /// <summary>A task id: the canonical bytes of the task's terms, which the client signs for through its escrow lock.</summary>
    TaskId = 0x20,

    /// <summary>The escrow id holding a task's payment: the task id.</summary>
    TaskPaymentEscrow = 0x21,

    /// <summary>The escrow id holding a task's dispute bond: the task id.</summary>
    TaskDisputeBond = 0x22,
}
