using System.Text.Json;
using Ainur.Gateway.Apis;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>A block's transaction views show budget transactions and operations (a block holding one must not fail to render).</summary>
public sealed class BudgetBlockViewTests
{
    [Fact]
    public void BudgetTransactionsAndOperations_HaveViews_WithTheirBudgetIds()
    {
        using var owner = AgentKey.Generate();
        using var orchestrator = AgentKey.Generate();
        var open = new BudgetOpen(owner.Did, 3, 500, 90);
        var taskId = Blake2b.Content("view task"u8);
        var signature = new Voucher(open.BudgetId, taskId, 20).Sign(owner, "chain");
        TxBody[] bodies =
        [
            open,
            new BudgetTopUp(owner.Did, open.BudgetId, 5, 1),
            new BudgetClose(owner.Did, open.BudgetId),
            new ProtocolBatch(orchestrator.Did, 1, [new VoucherSettle(open.BudgetId, taskId, 20, signature, owner.Did, 18, 2), new BudgetReturn(open.BudgetId)]),
        ];

        foreach (var body in bodies)
        {
            var signer = body.Signer == owner.Did ? owner : orchestrator;
            var json = JsonSerializer.Serialize(LedgerTransactionView.From(SignedTransaction.Sign(body, signer, "chain")), JsonSerializerOptions.Web);

            Assert.Contains($"\"budgetId\":\"{open.BudgetId}\"", json, StringComparison.Ordinal);
        }
    }
}
