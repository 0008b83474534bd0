using System.Collections.Immutable;
using Ainur.Protocol.Hashing;

namespace Ainur.Protocol.Merkle;

/// <summary>
/// A Blake2b-256 Merkle tree over an ordered list of leaves, shaped as RFC 9162 section 2.1.1 describes: a tree of
/// n &gt; 1 leaves splits at k, the largest power of two below n, into the first k leaves and the rest. Leaves are
/// hashed with <see cref="HashDomain.MerkleLeaf"/> and inner nodes with <see cref="HashDomain.MerkleNode"/>, so a
/// leaf can never be mistaken for a node; the root of no leaves is the hash of <see cref="HashDomain.MerkleEmpty"/>.
/// </summary>
public sealed class MerkleTree
{
    private readonly ImmutableArray<Hash32> _leaves;

    private MerkleTree(ImmutableArray<Hash32> leafHashes)
    {
        _leaves = leafHashes;
        Root = Compute(leafHashes.AsSpan());
    }

    /// <summary>The root hash.</summary>
    public Hash32 Root { get; }

    /// <summary>Number of leaves.</summary>
    public int Count => _leaves.Length;

    /// <summary>The root of the empty tree.</summary>
    public static Hash32 EmptyRoot { get; } = Blake2b.Hash(HashDomain.MerkleEmpty, ReadOnlySpan<byte>.Empty);

    /// <summary>Builds the tree over leaves given as their canonical bytes.</summary>
    public static MerkleTree FromLeaves(IEnumerable<byte[]> leaves) =>
        new([.. leaves.Select(leaf => LeafHash(leaf))]);

    /// <summary>Builds the tree over leaf hashes already computed with <see cref="LeafHash"/>.</summary>
    public static MerkleTree FromLeafHashes(ImmutableArray<Hash32> leafHashes) => new(leafHashes);

    /// <summary>The hash of one leaf's canonical bytes.</summary>
    public static Hash32 LeafHash(ReadOnlySpan<byte> leaf) => Blake2b.Hash(HashDomain.MerkleLeaf, leaf);

    /// <summary>The inclusion proof of leaf <paramref name="index"/>: sibling hashes from the leaf up to the root.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such leaf.</exception>
    public MerkleProof Prove(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _leaves.Length);
        var path = ImmutableArray.CreateBuilder<Hash32>();
        CollectPath(_leaves.AsSpan(), index, path);
        path.Reverse();
        return new MerkleProof(index, _leaves.Length, path.ToImmutable());
    }

    // Path from the top down; the caller reverses it so the proof reads leaf-first as RFC 9162's audit path does.
    private static void CollectPath(ReadOnlySpan<Hash32> leaves, int index, ImmutableArray<Hash32>.Builder path)
    {
        if (leaves.Length <= 1)
        {
            return;
        }

        var split = LargestPowerOfTwoBelow(leaves.Length);
        if (index < split)
        {
            path.Add(Compute(leaves[split..]));
            CollectPath(leaves[..split], index, path);
        }
        else
        {
            path.Add(Compute(leaves[..split]));
            CollectPath(leaves[split..], index - split, path);
        }
    }

    private static Hash32 Compute(ReadOnlySpan<Hash32> leaves)
    {
        if (leaves.Length == 0)
        {
            return EmptyRoot;
        }

        if (leaves.Length == 1)
        {
            return leaves[0];
        }

        var split = LargestPowerOfTwoBelow(leaves.Length);
        return Blake2b.Hash(HashDomain.MerkleNode, Compute(leaves[..split]), Compute(leaves[split..]));
    }

    internal static int LargestPowerOfTwoBelow(int n) => 1 << (31 - int.LeadingZeroCount(n - 1));
}
