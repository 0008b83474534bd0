using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Merkle;
using CsCheck;

namespace Ainur.Protocol.Tests.Merkle;

public class MerkleProofTests
{
    [Fact]
    public void Verify_RandomSizesAndLeaves_Succeeds() =>
        Gen.Int[1, 3000].SelectMany(size => Gen.Int[0, size - 1].Select(index => (size, index))).Sample(c =>
        {
            var (tree, leaves) = MerkleTreeTests.Tree(c.size);
            return tree.Prove(c.index).Verify(leaves[c.index], tree.Root);
        }, iter: 60);

    [Fact]
    public void Verify_AnyAlteredLeafByte_Fails()
    {
        for (var size = 1; size <= 70; size++)
        {
            var (tree, leaves) = MerkleTreeTests.Tree(size);
            for (var i = 0; i < size; i++)
            {
                var proof = tree.Prove(i);
                for (var at = 0; at < leaves[i].Length; at++)
                {
                    var altered = (byte[])leaves[i].Clone();
                    altered[at] ^= (byte)(1 << (at % 8));
                    Assert.False(proof.Verify(altered, tree.Root), $"leaf {i} of {size}, byte {at}");
                }

                Assert.False(proof.Verify([.. leaves[i], 0], tree.Root));
                Assert.False(proof.Verify(leaves[i].AsSpan(1), tree.Root));
            }
        }
    }

    // Every byte of every path hash, for every leaf of sizes up to 33 (paths of up to six hashes).
    [Fact]
    public void Verify_AnyAlteredPathByte_Fails()
    {
        for (var size = 2; size <= 33; size++)
        {
            var (tree, leaves) = MerkleTreeTests.Tree(size);
            for (var i = 0; i < size; i++)
            {
                var proof = tree.Prove(i);
                for (var k = 0; k < proof.Path.Length; k++)
                {
                    for (var at = 0; at < Hash32.Length; at++)
                    {
                        var hash = proof.Path[k].ToArray();
                        hash[at] ^= (byte)(0x80 >> (at % 8));
                        Assert.False((proof with { Path = proof.Path.SetItem(k, new Hash32(hash)) }).Verify(leaves[i], tree.Root), $"leaf {i} of {size}, path {k}, byte {at}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Verify_AlteredPathHashInLargeTrees_Fails() =>
        Gen.Select(Gen.Int[2, 5000], Gen.Int[0, int.MaxValue], Gen.Int[0, Hash32.Length - 1], Gen.Int[0, 7]).Sample((size, pick, at, bit) =>
        {
            var (tree, leaves) = MerkleTreeTests.Tree(size);
            var proof = tree.Prove(pick % size);
            var k = pick % proof.Path.Length;
            var hash = proof.Path[k].ToArray();
            hash[at] ^= (byte)(1 << bit);
            return !(proof with { Path = proof.Path.SetItem(k, new Hash32(hash)) }).Verify(leaves[pick % size], tree.Root);
        }, iter: 60);

    [Fact]
    public void Verify_PathWithAHashAddedOrRemoved_Fails()
    {
        for (var size = 1; size <= 70; size++)
        {
            var (tree, leaves) = MerkleTreeTests.Tree(size);
            for (var i = 0; i < size; i++)
            {
                var proof = tree.Prove(i);
                Assert.False((proof with { Path = proof.Path.Add(tree.Root) }).Verify(leaves[i], tree.Root));
                Assert.False((proof with { Path = proof.Path.Insert(0, tree.Root) }).Verify(leaves[i], tree.Root));
                if (!proof.Path.IsEmpty)
                {
                    Assert.False((proof with { Path = proof.Path.RemoveAt(proof.Path.Length - 1) }).Verify(leaves[i], tree.Root));
                }
            }
        }
    }

    [Fact]
    public void Verify_AnyOtherIndex_Fails()
    {
        for (var size = 1; size <= 70; size++)
        {
            var (tree, leaves) = MerkleTreeTests.Tree(size);
            for (var i = 0; i < size; i++)
            {
                var proof = tree.Prove(i);
                for (var other = -1; other <= size; other++)
                {
                    Assert.True(other == i || !(proof with { Index = other }).Verify(leaves[i], tree.Root), $"leaf {i} of {size} as {other}");
                }

                Assert.False((proof with { Index = int.MinValue }).Verify(leaves[i], tree.Root));
            }
        }
    }

    /// <summary>
    /// As in RFC 9162, the size is authenticated by whoever signs the root, not by the path: a proof also verifies
    /// under another size exactly when that size puts the leaf at the same left/right turns (e.g. leaf 0 of 3 or 4).
    /// So a payment proof's verifier must also check the proof's size against the signed header's transaction count.
    /// </summary>
    [Fact]
    public void Verify_OtherSize_SucceedsExactlyWhenTheLeafTakesTheSameTurns()
    {
        for (var size = 1; size <= 70; size++)
        {
            var (tree, leaves) = MerkleTreeTests.Tree(size);
            for (var i = 0; i < size; i++)
            {
                var proof = tree.Prove(i);
                for (var other = -1; other <= 2 * size; other++)
                {
                    var sameTurns = other > i && Turns(i, other).SequenceEqual(Turns(i, size));
                    Assert.Equal(sameTurns, (proof with { Size = other }).Verify(leaves[i], tree.Root));
                }
            }
        }

        var (four, fourLeaves) = MerkleTreeTests.Tree(4);
        Assert.True((four.Prove(0) with { Size = 3 }).Verify(fourLeaves[0], four.Root));
    }

    [Fact]
    public void Verify_OtherRootOrDefaultPath_Fails()
    {
        var (tree, leaves) = MerkleTreeTests.Tree(5);

        Assert.False(tree.Prove(1).Verify(leaves[1], MerkleTree.EmptyRoot));
        Assert.False(new MerkleProof(1, 5, default).Verify(leaves[1], tree.Root));
        Assert.False(new MerkleProof(0, 0, []).Verify(leaves[0], MerkleTree.EmptyRoot));
    }

    [Fact]
    public void Proof_CanonicalBytes_RoundTrip()
    {
        var (tree, _) = MerkleTreeTests.Tree(37);
        var proof = tree.Prove(21);
        var writer = new CanonicalWriter();
        proof.WriteTo(writer);

        var reader = new CanonicalReader(writer.Written);
        var copy = MerkleProof.ReadFrom(ref reader);

        Assert.True(reader.AtEnd);
        Assert.Equal(proof.Index, copy.Index);
        Assert.Equal(proof.Size, copy.Size);
        Assert.Equal(proof.Path, copy.Path);
    }

    // RFC 9162 §2.1.3.1's PATH(m, D[n]) read leaf-first: at each level, whether the sibling lies to the right.
    private static List<bool> Turns(int index, int size)
    {
        if (size <= 1)
        {
            return [];
        }

        var k = 1 << (31 - int.LeadingZeroCount(size - 1));
        return index < k ? [.. Turns(index, k), true] : [.. Turns(index - k, size - k), false];
    }
}
