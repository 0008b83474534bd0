using System.Text.Json.Nodes;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;
using static Ainur.Protocol.Tests.Vectors.VectorJson;
using static Ainur.Protocol.Tests.Vectors.VectorKeys;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>consensus.json: the validator set hash, what validators sign, and commit certificates that hold or do not.</summary>
internal static class ConsensusVectors
{
    private static readonly Block Block = LedgerVectors.Block;

    /// <summary>The certificate of block 1: precommits of validators 0, 1 and 3 (quorum 3 of 4).</summary>
    public static readonly CommitCertificate Certificate = Certify(ChainId, Block.Header.Round, [0, 1, 3]);

    public static JsonObject Generate()
    {
        var set = LedgerVectors.ValidatorSet;
        var setBytes = new CanonicalWriter().I32(set.Count);
        foreach (var member in set.Members)
        {
            setBytes.Did(member);
        }

        return new JsonObject
        {
            ["description"] = "Validator set hash and quorum; sign bytes of proposals, prevotes and precommits; commit certificates and whether they hold.",
            ["reference"] = "docs/protocol.md#6-consensus-votes-and-commit-certificates",
            ["chainId"] = ChainId,
            ["validatorSet"] = new JsonObject
            {
                ["validators"] = Array(Validators.Select((v, i) => (JsonNode?)new JsonObject { ["index"] = i, ["name"] = v.Name, ["did"] = v.Did.Value })),
                ["hashed"] = Hex(setBytes.Written),
                ["validatorSetHash"] = set.Hash().ToString(),
                ["maxFaulty"] = set.MaxFaulty,
                ["quorum"] = set.Quorum,
                ["proposerOfHeight1Round0"] = set.Proposer(1, 0),
            },
            ["blockHash"] = Block.Hash.ToString(),
            ["signed"] = Array(
            [
                Signed("proposal", Block.Header.Proposer, Proposal.SigningBytes(ChainId, Block.Height, 0, -1, Block.Hash)),
                Signed("prevote", 2, Vote.SigningBytes(ChainId, VoteType.Prevote, Block.Height, 0, Block.Hash)),
                Signed("prevote-nil", 2, Vote.SigningBytes(ChainId, VoteType.Prevote, Block.Height, 0, null)),
                Signed("precommit", 0, Vote.SigningBytes(ChainId, VoteType.Precommit, Block.Height, 0, Block.Hash)),
                Signed("precommit-nil", 0, Vote.SigningBytes(ChainId, VoteType.Precommit, Block.Height, 0, null)),
            ]),
            ["certificates"] = Array(
            [
                Case("valid: validators 0, 1, 3", Certificate),
                Case("valid: all four", Certify(ChainId, 0, [0, 1, 2, 3])),
                Case("invalid: two of four", Certify(ChainId, 0, [0, 1])),
                Case("invalid: validators out of order", Reorder(Certificate, [1, 0, 2])),
                Case("invalid: one validator twice", Reorder(Certificate, [0, 0, 1])),
                Case("invalid: signatures for another round", Certify(ChainId, 1, [0, 1, 3]) with { Round = 0 }),
                Case("invalid: signatures for another chain", Certify("ainur-other", 0, [0, 1, 3])),
                Case("invalid: validator index out of range", Certificate with { Signatures = [.. Certificate.Signatures.Take(2), new CommitSignature(4, Certificate.Signatures[2].Signature)] }),
            ]),
        };
    }

    private static CommitCertificate Certify(string chainId, int round, int[] signers)
    {
        var signing = Vote.SigningBytes(chainId, VoteType.Precommit, Block.Height, round, Block.Hash);
        return new CommitCertificate(Block.Height, round, Block.Hash, [.. signers.Select(i => new CommitSignature(i, Validators[i].Key.Sign(signing)))]);
    }

    private static CommitCertificate Reorder(CommitCertificate certificate, int[] positions) =>
        certificate with { Signatures = [.. positions.Select(p => certificate.Signatures[p])] };

    private static JsonObject Signed(string what, int validator, byte[] signBytes) => new JsonObject
    {
        ["message"] = what,
        ["validator"] = validator,
        ["signBytes"] = Hex(signBytes),
        ["signature"] = Hex(Validators[validator].Key.Sign(signBytes)),
    };

    private static JsonObject Case(string name, CommitCertificate certificate)
    {
        var problem = certificate.Verify(LedgerVectors.ValidatorSet, ChainId);
        Assert.True(name.StartsWith("valid:", StringComparison.Ordinal) == problem is null, $"{name}: {problem}");
        return new JsonObject
        {
            ["case"] = name,
            ["height"] = certificate.Height,
            ["round"] = certificate.Round,
            ["blockHash"] = certificate.BlockHash.ToString(),
            ["signatures"] = Array(certificate.Signatures.Select(s => (JsonNode?)new JsonObject { ["validator"] = s.Validator, ["signature"] = Hex(s.Signature) })),
            ["encoded"] = Hex(FinalizedBlock.EncodeCertificate(certificate)),
            ["valid"] = problem is null,
            ["reason"] = problem,
        };
    }
}
