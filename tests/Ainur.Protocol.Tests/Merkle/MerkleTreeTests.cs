using System.Text;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Merkle;
using NSec.Cryptography;

namespace Ainur.Protocol.Tests.Merkle;

public class MerkleTreeTests
{
    // Expected roots computed outside .NET, with Python's hashlib.blake2b(digest_size=32), straight from RFC 9162 §2.1.1:
    // leaf(d) = H(0x00 || d), node(l, r) = H(0x01 || l || r), empty = H(0x02).
    [Theory]
    [InlineData("", "bb30a42c1e62f0afda5f0a4e8a562f7a13a24cea00ee81917b86b89e801314aa")]
    [InlineData("a", "7234082e1dd0b5ec0acd71875d61c9f374af30c100bc4de7aa4eb3f15bbed686")]
    [InlineData("abc", "17321db51c1ef3ec1f77e271aa300b4e5c6091708bcba37e46025774a26142ee")]
    [InlineData("abcde", "57d36622e3f900dadd327fb108b62e282cb8f65225ff24749df78d09176c1d0d")]
    public void Root_SmallTrees_MatchesIndependentlyComputedValue(string letters, string root) =>
        Assert.Equal(root, MerkleTree.FromLeaves(Leaves(letters)).Root.ToString());

    [Fact]
    public void Root_SevenLeaves_SplitsAtTheLargestPowerOfTwoBelow()
    {
        var (a, b, c, d, e, f, g) = (Leaf("a"), Leaf("b"), Leaf("c"), Leaf("d"), Leaf("e"), Leaf("f"), Leaf("g"));

        var expected = Node(Node(Node(a, b), Node(c, d)), Node(Node(e, f), g));

        Assert.Equal(expected, MerkleTree.FromLeaves(Leaves("abcdefg")).Root);
    }

    [Fact]
    public void Prove_ThirdOfFive_IsTheRfcAuditPathLeafFirst()
    {
        var proof = MerkleTree.FromLeaves(Leaves("abcde")).Prove(2);

        Assert.Equal(2, proof.Index);
        Assert.Equal(5, proof.Size);
        Assert.Equal([Leaf("d"), Node(Leaf("a"), Leaf("b")), Leaf("e")], proof.Path);
    }

    [Fact]
    public void Prove_EveryLeafOfEverySizeUpTo70_Verifies()
    {
        for (var size = 1; size <= 70; size++)
        {
            var (tree, leaves) = Tree(size);
            for (var i = 0; i < size; i++)
            {
                Assert.True(tree.Prove(i).Verify(leaves[i], tree.Root), $"leaf {i} of {size}");
            }
        }
    }

    [Fact]
    public void Prove_OutOfRange_Throws()
    {
        var (tree, _) = Tree(3);

        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Prove(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Prove(-1));
    }

    [Fact]
    public void LeafAndNode_AreDomainSeparated()
    {
        // A two-leaf tree's root is H(0x01 || l || r); a leaf whose bytes are l || r hashes with 0x00 and cannot collide with it.
        var (tree, leaves) = Tree(2);
        var forgedLeaf = Leaf([.. Leaf(leaves[0]).Span, .. Leaf(leaves[1]).Span]);

        Assert.NotEqual(tree.Root, forgedLeaf);
        Assert.Equal(tree.Root, Node(Leaf(leaves[0]), Leaf(leaves[1])));
    }

    internal static (MerkleTree Tree, byte[][] Leaves) Tree(int size)
    {
        var leaves = Enumerable.Range(0, size).Select(i => Encoding.UTF8.GetBytes($"tx-{i}")).ToArray();
        return (MerkleTree.FromLeaves(leaves), leaves);
    }

    private static byte[][] Leaves(string letters) => [.. letters.Select(c => new[] { (byte)c })];

    private static Hash32 Leaf(string letter) => Leaf(Encoding.ASCII.GetBytes(letter));

    private static Hash32 Leaf(byte[] data) => new(HashAlgorithm.Blake2b_256.Hash([0x00, .. data]));

    private static Hash32 Node(Hash32 left, Hash32 right) => new(HashAlgorithm.Blake2b_256.Hash([0x01, .. left.Span, .. right.Span]));
}
