using System.Text.Json.Nodes;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Vectors.VectorJson;
using static Ainur.Protocol.Tests.Vectors.VectorKeys;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>transactions.json: one signed transaction of each kind, with every intermediate byte string.</summary>
internal static class TransactionVectors
{
    /// <summary>An escrow id for the samples (any 32 bytes will do; tasks derive theirs from the task id).</summary>
    public static Hash32 SampleEscrow => Blake2b.Content("vector escrow"u8);

    public static IEnumerable<(string Name, TxBody Body)> Bodies =>
    [
        ("transfer", new Transfer(Alice.Did, Bob.Did, 250, 1)),
        ("stake", new Stake(Carol.Did, 500, 2)),
        ("unstake", new Unstake(Carol.Did, 200, 3)),
        ("escrowLock", new EscrowLock(Alice.Did, SampleEscrow, 8, 1_798_761_600_000)),
        ("protocolBatch", new ProtocolBatch(Orchestrator.Did, 7,
        [
            new EscrowRelease(SampleEscrow, Carol.Did, 5, 1),
            new EscrowRefund(Blake2b.Content("vector escrow 2"u8)),
            new Slash(Carol.Did, 10, Alice.Did, 4),
            new EscrowPayout(Blake2b.Content("vector escrow 3"u8), [new Payout(Bob.Did, 2), new Payout(Carol.Did, 16)], 0),
        ])),
    ];

    public static JsonObject Generate() => new()
    {
        ["description"] = "Signed transactions: canonical body, signing bytes, signature, encoded form (body then signature) and id.",
        ["reference"] = "docs/protocol.md#3-transactions",
        ["chainId"] = ChainId,
        ["transactions"] = Array(Bodies.Select(b => (JsonNode?)Entry(b.Name, b.Body))),
    };

    public static JsonObject Entry(string name, TxBody body)
    {
        var signer = All.Single(k => k.Did == body.Signer);
        var writer = new CanonicalWriter();
        body.WriteTo(writer);
        var signed = SignedTransaction.Sign(body, signer.Key, ChainId);
        return new JsonObject
        {
            ["name"] = name,
            ["kind"] = body.Kind.ToString(),
            ["kindByte"] = Hex([(byte)body.Kind]),
            ["signer"] = signer.Name,
            ["fields"] = Fields(body),
            ["body"] = Hex(writer.Written),
            ["signingBytes"] = Hex(SignedTransaction.SigningBytes(ChainId, body)),
            ["signature"] = Hex(signed.Signature),
            ["encoded"] = Hex(signed.Encoded),
            ["id"] = signed.Id.ToString(),
        };
    }
}
