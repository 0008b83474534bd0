using System.Text.Json.Nodes;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Vectors.VectorJson;
using static Ainur.Protocol.Tests.Vectors.VectorKeys;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>budgets.json: a budget id, alice's voucher and its signature, the budget transactions and operations, and the two state entries.</summary>
internal static class BudgetVectors
{
    private static readonly BudgetOpen Open = new(Alice.Did, 1, 1_000, 5_000);
    private static readonly Hash32 TaskId = Blake2b.Content("vector task"u8);
    private static readonly Voucher SampleVoucher = new(Open.BudgetId, TaskId, 40);

    public static JsonObject Generate()
    {
        var signature = SampleVoucher.Sign(Alice.Key, ChainId);
        var spentKey = new CanonicalWriter().Hash(Open.BudgetId).Hash(TaskId).ToArray();
        var budgetEntry = new CanonicalWriter().U8(4).Hash(Open.BudgetId).Did(Alice.Did).I64(958).I64(Open.ExpiryHeight).U8(1).I64(42).ToArray();
        var voucherEntry = new CanonicalWriter().U8(5).Hash(Open.BudgetId).Hash(TaskId).I64(42).ToArray();

        // The leaf hashes are the ledger's own; the bytes above, written out for readers, must hash to them.
        var budgetLeaf = StateEntries.BudgetHash(Open.BudgetId, new Budget(Alice.Did, 958, Open.ExpiryHeight, BudgetStatus.Open, 42));
        var voucherLeaf = StateEntries.SpentVoucherHash(Open.BudgetId, TaskId, 42);
        if (budgetLeaf != Blake2b.Hash(HashDomain.StateEntry, budgetEntry) || voucherLeaf != Blake2b.Hash(HashDomain.StateEntry, voucherEntry))
        {
            throw new InvalidOperationException("The budget vectors' entry bytes are not what the ledger hashes.");
        }

        return new JsonObject
        {
            ["description"] = "Budgets: the budget id, a voucher's signed bytes and signature, the budget transactions and operations signed, and the state entries of a budget and a spent voucher.",
            ["reference"] = "docs/protocol.md#budgets-and-vouchers",
            ["chainId"] = ChainId,
            ["budgetId"] = new JsonObject
            {
                ["owner"] = Alice.Name,
                ["nonce"] = Open.Nonce,
                ["hashed"] = Hex(new CanonicalWriter().U8((byte)HashDomain.BudgetId).Did(Alice.Did).I64(Open.Nonce).Written),
                ["budgetId"] = Open.BudgetId.ToString(),
            },
            ["voucher"] = new JsonObject
            {
                ["signer"] = Alice.Name,
                ["fields"] = Fields(SampleVoucher),
                ["signedBytes"] = Hex(SampleVoucher.SignedBytes(ChainId)),
                ["signature"] = Hex(signature),
            },
            ["transactions"] = Array(
            [
                TransactionVectors.Entry("budgetOpen", Open),
                TransactionVectors.Entry("budgetTopUp", new BudgetTopUp(Alice.Did, Open.BudgetId, 100, 4)),
                TransactionVectors.Entry("budgetClose", new BudgetClose(Alice.Did, Open.BudgetId)),
                TransactionVectors.Entry("protocolBatch", new ProtocolBatch(Orchestrator.Did, 8,
                [
                    new VoucherSettle(Open.BudgetId, TaskId, 40, signature, Bob.Did, 38, 4),
                    new BudgetReturn(Open.BudgetId),
                ])),
            ]),
            ["stateEntries"] = new JsonObject
            {
                ["budget"] = new JsonObject
                {
                    ["what"] = "alice's budget holding 958 after paying 42, open",
                    ["key"] = Hex([4, .. Open.BudgetId.Span]),
                    ["bytes"] = Hex(budgetEntry),
                    ["leafHash"] = budgetLeaf.ToString(),
                },
                ["spentVoucher"] = new JsonObject
                {
                    ["what"] = "the voucher for the task, which paid 42",
                    ["hashed"] = Hex([(byte)HashDomain.SpentVoucher, .. spentKey]),
                    ["key"] = Hex([5, .. Blake2b.Hash(HashDomain.SpentVoucher, spentKey).Span]),
                    ["bytes"] = Hex(voucherEntry),
                    ["leafHash"] = voucherLeaf.ToString(),
                },
            },
        };
    }
}
