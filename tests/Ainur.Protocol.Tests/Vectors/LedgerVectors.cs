using System.Text.Json.Nodes;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Merkle;
using static Ainur.Protocol.Tests.Vectors.VectorJson;
using static Ainur.Protocol.Tests.Vectors.VectorKeys;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>block.json: a genesis and the first block built on it by the reference block builder (real state root).</summary>
internal static class LedgerVectors
{
    public static readonly ValidatorSet ValidatorSet = new([.. Validators.Select(v => v.Did)]);

    public static readonly Genesis Genesis = new(
        ChainId, 1_767_225_600_000, ValidatorSet, Orchestrator.Did, Orchestrator.Did, 100,
        [.. new[] { Alice, Bob, Carol }.Select(k => new GenesisAllocation(k.Did, 1_000)).OrderBy(a => a.Account.Value, StringComparer.Ordinal)]);

    /// <summary>Block 1: three transfers, proposed in round 0 by its proposer. Transfers only, so its bytes do not depend on other kinds' layouts.</summary>
    public static readonly Block Block = BlockBuilder.Build(
        LedgerState.FromGenesis(Genesis),
        [
            SignedTransaction.Sign(new Transfer(Alice.Did, Bob.Did, 250, 1), Alice.Key, ChainId),
            SignedTransaction.Sign(new Transfer(Bob.Did, Carol.Did, 100, 1), Bob.Key, ChainId),
            SignedTransaction.Sign(new Transfer(Carol.Did, Alice.Did, 5, 1), Carol.Key, ChainId),
        ],
        maxTransactions: 10, round: 0, proposer: ValidatorSet.Proposer(1, 0), timeUnixMs: 1_767_225_601_000).Block;

    public static JsonObject Generate() => new()
    {
        ["description"] = "A genesis (its hash is block 1's previousHash) and block 1: header fields and bytes, block hash, transaction root, block bytes.",
        ["reference"] = "docs/protocol.md#5-blocks",
        ["genesis"] = new JsonObject
        {
            ["fields"] = Fields(Genesis),
            ["validatorSetHash"] = Genesis.Validators.Hash().ToString(),
            ["hashed"] = Hex(GenesisBytes(Genesis)),
            ["hash"] = Genesis.Hash.ToString(),
        },
        ["block"] = new JsonObject
        {
            ["header"] = Fields(Block.Header),
            ["headerBytes"] = Hex(Block.Header.Encode()),
            ["hash"] = Block.Hash.ToString(),
            ["transactions"] = Array(Block.Transactions.Select(t => (JsonNode?)new JsonObject
            {
                ["id"] = t.Id.ToString(),
                ["encoded"] = Hex(t.Encoded),
                ["leafHash"] = MerkleTree.LeafHash(t.Encoded.Span).ToString(),
            })),
            ["txRoot"] = Block.ComputeTxRoot().ToString(),
            ["encoded"] = Hex(Block.Encode()),
        },
    };

    /// <summary>The genesis bytes as docs/protocol.md lays them out; the test checks they hash to <see cref="Genesis.Hash"/>.</summary>
    public static byte[] GenesisBytes(Genesis genesis)
    {
        var writer = new CanonicalWriter().Text(genesis.ChainId).I64(genesis.TimeUnixMs).Hash(genesis.Validators.Hash())
            .Did(genesis.Orchestrator).Did(genesis.Treasury).I32(genesis.UnbondingBlocks).I32(genesis.Allocations.Length);
        foreach (var allocation in genesis.Allocations)
        {
            writer.Did(allocation.Account).I64(allocation.Amount);
        }

        var bytes = writer.ToArray();
        Assert.Equal(genesis.Hash, Blake2b.Hash(HashDomain.Genesis, bytes));
        return bytes;
    }
}
