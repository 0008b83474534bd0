using System.Collections.Immutable;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Orleans;

namespace Ainur.Protocol.Merkle;

/// <summary>
/// An inclusion proof: leaf <see cref="Index"/> of a tree of <see cref="Size"/> leaves, with the sibling hashes
/// from the leaf up (RFC 9162's audit path). Checking it costs O(log n) hashes.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.MerkleProof")]
public sealed record MerkleProof(
    [property: Id(0)] int Index,
    [property: Id(1)] int Size,
    [property: Id(2)] ImmutableArray<Hash32> Path)
{
    /// <summary>
    /// True when the leaf with canonical bytes <paramref name="leaf"/> sits at <see cref="Index"/> under
    /// <paramref name="root"/>. Follows the verification algorithm of RFC 9162 section 2.1.3.2; any altered
    /// byte of leaf, path, index or size gives false. Never throws.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> leaf, Hash32 root) => VerifyLeafHash(MerkleTree.LeafHash(leaf), root);

    /// <summary>As <see cref="Verify"/>, for a leaf hash already computed with <see cref="MerkleTree.LeafHash"/>.</summary>
    public bool VerifyLeafHash(Hash32 leafHash, Hash32 root)
    {
        if (Index < 0 || Index >= Size || Path.IsDefault)
        {
            return false;
        }

        long index = Index;
        long last = Size - 1;
        var node = leafHash;
        foreach (var sibling in Path)
        {
            if (last == 0)
            {
                return false;
            }

            if ((index & 1) == 1 || index == last)
            {
                node = Blake2b.Hash(HashDomain.MerkleNode, sibling, node);
                if ((index & 1) == 0)
                {
                    while ((index & 1) == 0 && index != 0)
                    {
                        index >>= 1;
                        last >>= 1;
                    }
                }
            }
            else
            {
                node = Blake2b.Hash(HashDomain.MerkleNode, node, sibling);
            }

            index >>= 1;
            last >>= 1;
        }

        return last == 0 && node == root;
    }

    /// <summary>Canonical bytes: index, size, path length, path hashes.</summary>
    public void WriteTo(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.I32(Index).I32(Size).I32(Path.Length);
        foreach (var hash in Path)
        {
            writer.Hash(hash);
        }
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote.</summary>
    /// <exception cref="FormatException">Malformed bytes.</exception>
    public static MerkleProof ReadFrom(ref CanonicalReader reader)
    {
        var index = reader.I32();
        var size = reader.I32();
        var count = reader.Count(Hash32.Length);
        var path = ImmutableArray.CreateBuilder<Hash32>(count);
        for (var i = 0; i < count; i++)
        {
            path.Add(reader.Hash());
        }

        return new MerkleProof(index, size, path.MoveToImmutable());
    }
}
