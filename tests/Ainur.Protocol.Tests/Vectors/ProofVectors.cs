using System.Text.Json.Nodes;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Proofs;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Vectors.VectorJson;
using static Ainur.Protocol.Tests.Vectors.VectorKeys;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>proof.json: the payment proof of block 1's second transaction, its parts, and altered copies that fail.</summary>
internal static class ProofVectors
{
    public static JsonObject Generate()
    {
        var finalized = new FinalizedBlock(LedgerVectors.Block, ConsensusVectors.Certificate);
        var proof = PaymentProof.For(finalized, 1);
        var encoded = proof.Encode();
        var path = new CanonicalWriter();
        proof.Path.WriteTo(path);
        var certificate = new CanonicalWriter();
        proof.Certificate.WriteTo(certificate);
        return new JsonObject
        {
            ["description"] = "A payment proof (what `ainur verify` reads and GET /v1/ledger/txs/{id} returns as base64) and the validator-set file it is checked against.",
            ["reference"] = "docs/protocol.md#7-payment-proofs",
            ["validators"] = new JsonObject
            {
                ["chainId"] = ChainId,
                ["validatorSetHash"] = LedgerVectors.ValidatorSet.Hash().ToString(),
                ["validators"] = Array(LedgerVectors.ValidatorSet.Members.Select((did, i) => (JsonNode?)new JsonObject { ["index"] = i, ["did"] = did.Value })),
            },
            ["transactionId"] = proof.Transaction.Id.ToString(),
            ["position"] = 1,
            ["parts"] = new JsonObject
            {
                ["magic"] = Hex(new CanonicalWriter().Text("ainur-proof/1").Written),
                ["transaction"] = Hex(new CanonicalWriter().Bytes(proof.Transaction.Encoded.Span).Written),
                ["path"] = Hex(path.Written),
                ["header"] = Hex(proof.Header.Encode()),
                ["certificate"] = Hex(certificate.Written),
            },
            ["proof"] = Hex(encoded),
            ["proofBase64"] = Convert.ToBase64String(encoded),
            ["valid"] = proof.Verify(LedgerVectors.ValidatorSet, ChainId) is null,
            ["altered"] = Array(
            [
                Altered("transaction amount changed", proof with { Transaction = MoreAmount(proof.Transaction) }),
                Altered("leaf index changed", proof with { Path = proof.Path with { Index = 0 } }),
                Altered("header time changed", proof with { Header = proof.Header with { TimeUnixMs = proof.Header.TimeUnixMs + 1 } }),
                Altered("certificate of two validators", proof with { Certificate = proof.Certificate with { Signatures = [.. proof.Certificate.Signatures.Take(2)] } }),
            ]),
        };
    }

    // The same signature over a body that now says more: the signature check must catch it.
    private static SignedTransaction MoreAmount(SignedTransaction transaction)
    {
        var transfer = (Transfer)transaction.Body;
        return SignedTransaction.FromParts(transfer with { Amount = transfer.Amount + 1 }, transaction.Signature);
    }

    private static JsonObject Altered(string name, PaymentProof proof)
    {
        var reason = proof.Verify(LedgerVectors.ValidatorSet, ChainId);
        Assert.NotNull(reason);
        return new JsonObject { ["case"] = name, ["proof"] = Hex(proof.Encode()), ["reason"] = reason };
    }
}
