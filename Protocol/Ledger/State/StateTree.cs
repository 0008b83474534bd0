using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Merkle;

namespace Ainur.Protocol.Ledger.State;

/// <summary>A new leaf hash for <see cref="Key"/> in <see cref="Bucket"/>, or null to remove the entry.</summary>
internal readonly record struct StateChange(int Bucket, StateKey Key, Hash32? EntryHash) : IComparable<StateChange>
{
    public int CompareTo(StateChange other) => Bucket != other.Bucket ? Bucket.CompareTo(other.Bucket) : Key.CompareTo(other.Key);
}

/// <summary>
/// The state root's persistent tree. Its root equals <see cref="MerkleTree"/>'s root over all
/// <see cref="BucketCount"/> bucket hashes in bucket order (a perfect binary tree, as RFC 9162 shapes a power of two),
/// where a bucket's hash is the <see cref="MerkleTree"/> root over its entries' leaf hashes sorted by key (the empty
/// tree's root when it holds none). Nodes are immutable and shared between versions; an update rehashes only the
/// touched buckets and their paths, and an empty subtree is held as null with a precomputed hash.
/// </summary>
internal sealed class StateTree
{
    public const int Depth = 16;
    public const int BucketCount = 1 << Depth;

    // EmptyHashes[h] is the hash of a subtree of height h whose buckets are all empty.
    private static readonly Hash32[] EmptyHashes = BuildEmptyHashes();

    private readonly Node? _root;

    private StateTree(Node? root) => _root = root;

    public static StateTree Empty { get; } = new(null);

    public Hash32 Root => _root?.Hash ?? EmptyHashes[Depth];

    /// <summary>A tree with <paramref name="changes"/> applied (sorted in place; keys must be distinct).</summary>
    public StateTree With(Span<StateChange> changes)
    {
        if (changes.IsEmpty)
        {
            return this;
        }

        changes.Sort();
        return new StateTree(Update(_root, Depth, changes));
    }

    private static Node? Update(Node? node, int height, ReadOnlySpan<StateChange> changes)
    {
        if (height == 0)
        {
            return UpdateBucket(node as BucketNode, changes);
        }

        // Changes are sorted by bucket, and within this subtree the bucket bits above height - 1 are all equal.
        var bit = 1 << (height - 1);
        var split = 0;
        while (split < changes.Length && (changes[split].Bucket & bit) == 0)
        {
            split++;
        }

        var inner = node as InnerNode;
        var left = split > 0 ? Update(inner?.Left, height - 1, changes[..split]) : inner?.Left;
        var right = split < changes.Length ? Update(inner?.Right, height - 1, changes[split..]) : inner?.Right;
        if (left is null && right is null)
        {
            return null;
        }

        var empty = EmptyHashes[height - 1];
        return new InnerNode(left, right, Blake2b.Hash(HashDomain.MerkleNode, left?.Hash ?? empty, right?.Hash ?? empty));
    }

    private static BucketNode? UpdateBucket(BucketNode? bucket, ReadOnlySpan<StateChange> changes)
    {
        var existing = bucket?.Keys ?? [];
        var existingHashes = bucket?.Hashes ?? [];
        var keys = ImmutableArray.CreateBuilder<StateKey>(existing.Length + changes.Length);
        var hashes = ImmutableArray.CreateBuilder<Hash32>(existing.Length + changes.Length);
        int i = 0, j = 0;
        while (i < existing.Length || j < changes.Length)
        {
            var order = i == existing.Length ? 1 : j == changes.Length ? -1 : existing[i].CompareTo(changes[j].Key);
            if (order < 0)
            {
                keys.Add(existing[i]);
                hashes.Add(existingHashes[i]);
                i++;
                continue;
            }

            if (order == 0)
            {
                i++;
            }

            if (changes[j].EntryHash is { } hash)
            {
                keys.Add(changes[j].Key);
                hashes.Add(hash);
            }

            j++;
        }

        if (keys.Count == 0)
        {
            return null;
        }

        var leafHashes = hashes.DrainToImmutable();
        return new BucketNode(keys.DrainToImmutable(), leafHashes, MerkleTree.FromLeafHashes(leafHashes).Root);
    }

    private static Hash32[] BuildEmptyHashes()
    {
        var hashes = new Hash32[Depth + 1];
        hashes[0] = MerkleTree.EmptyRoot;
        for (var h = 1; h <= Depth; h++)
        {
            hashes[h] = Blake2b.Hash(HashDomain.MerkleNode, hashes[h - 1], hashes[h - 1]);
        }

        return hashes;
    }

    private abstract class Node(Hash32 hash)
    {
        public Hash32 Hash { get; } = hash;
    }

    private sealed class InnerNode(Node? left, Node? right, Hash32 hash) : Node(hash)
    {
        public Node? Left { get; } = left;

        public Node? Right { get; } = right;
    }

    private sealed class BucketNode(ImmutableArray<StateKey> keys, ImmutableArray<Hash32> hashes, Hash32 hash) : Node(hash)
    {
        public ImmutableArray<StateKey> Keys { get; } = keys;

        public ImmutableArray<Hash32> Hashes { get; } = hashes;
    }
}
