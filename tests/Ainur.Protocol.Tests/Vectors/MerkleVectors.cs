using System.Text;
using System.Text.Json.Nodes;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Merkle;
using static Ainur.Protocol.Tests.Vectors.VectorJson;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>merkle.json: trees of several sizes, every leaf's inclusion proof and its canonical bytes.</summary>
internal static class MerkleVectors
{
    private static readonly int[] Sizes = [1, 2, 3, 4, 5, 7];

    public static JsonObject Generate() => new()
    {
        ["description"] = "Merkle trees (RFC 9162 shape, BLAKE2b-256, leaf 0x00, node 0x01, empty 0x02): leaves, leaf hashes, root, and every leaf's proof.",
        ["reference"] = "docs/protocol.md#4-merkle-trees",
        ["emptyRoot"] = MerkleTree.EmptyRoot.ToString(),
        ["trees"] = Array(Sizes.Select(size => (JsonNode?)Tree(size))),
    };

    private static JsonObject Tree(int size)
    {
        var leaves = Enumerable.Range(0, size).Select(i => Encoding.UTF8.GetBytes($"leaf {i}")).ToList();
        var tree = MerkleTree.FromLeaves(leaves);
        return new JsonObject
        {
            ["size"] = size,
            ["leaves"] = Array(leaves.Select(l => (JsonNode?)Hex(l))),
            ["leafHashes"] = Hashes(leaves.Select(l => MerkleTree.LeafHash(l))),
            ["root"] = tree.Root.ToString(),
            ["proofs"] = Array(Enumerable.Range(0, size).Select(i =>
            {
                var proof = tree.Prove(i);
                var writer = new CanonicalWriter();
                proof.WriteTo(writer);
                return (JsonNode?)new JsonObject
                {
                    ["index"] = proof.Index,
                    ["size"] = proof.Size,
                    ["path"] = Hashes(proof.Path),
                    ["encoded"] = Hex(writer.Written),
                };
            })),
        };
    }
}
