using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Gateway.Tests.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Gateway.Tests.Budgets;

/// <summary>
/// <c>/v1/budgets</c> and tasks paid from budgets over real HTTP on a standalone node: open, top up, close, read; bad or
/// foreign transactions refused with problems that change nothing; vouchers read, refused and paid.
/// </summary>
[Collection(TaskNodeCollection.Name)]
public sealed class BudgetApiTests(TaskNodeFixture fixture)
{
    private readonly TaskClient _tasks = new(fixture.Gateway);

    private BudgetCalls Budgets => new(_tasks.Ledger);

    [Fact]
    public async Task Open_Is201WithLocation_AndTheBudgetHoldsWhatLeftTheBalance()
    {
        var owner = await _tasks.ClientAsync();

        var (id, created) = await Budgets.OpenAsync(owner, 500);

        Assert.Equal((id.ToString(), owner.Did.Value, 500L, 0L, "open"),
            (created.GetProperty("id").GetString(), created.GetProperty("owner").GetString(), created.GetProperty("remaining").GetInt64(),
             created.GetProperty("spent").GetInt64(), created.GetProperty("status").GetString()));
        Assert.Equal((0, 0L, 0L, 0L),
            (created.GetProperty("reservedTasks").GetInt32(), created.GetProperty("reservedAmount").GetInt64(),
             created.GetProperty("settledTasks").GetInt64(), created.GetProperty("releasedTasks").GetInt64()));
        Assert.Equal(created.GetProperty("remaining").GetInt64(), (await Budgets.GetAsync(id)).GetProperty("remaining").GetInt64());
        Assert.Equal(LedgerCalls.Grant - 500, (await _tasks.Ledger.AccountAsync(owner.Did)).Balance);
    }

    [Fact]
    public async Task Open_WithAnotherKindAForeignOrBadlySignedTransaction_Is4xx_AndOpensNothing()
    {
        var owner = await _tasks.ClientAsync();
        var other = await _tasks.ClientAsync();
        var transfer = SignedTransaction.Sign(new Transfer(owner.Did, other.Did, 5, 1), owner, LedgerCalls.ChainId);
        var owners = await Budgets.OpenTxAsync(owner, 100);
        var forged = await Budgets.OpenTxAsync(owner, 100, forger: other);
        var beyond = await Budgets.OpenTxAsync(owner, LedgerCalls.Grant + 1);

        await HttpAssert.ProblemAsync(await Post(owner, "/v1/budgets", transfer), HttpStatusCode.BadRequest, "malformed-transaction");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(owner, "/v1/budgets", "{\"transaction\":\"not base64!\"}"), HttpStatusCode.BadRequest, "malformed-transaction");
        await HttpAssert.ProblemAsync(await Post(other, "/v1/budgets", owners), HttpStatusCode.Forbidden, "not-owner");
        await HttpAssert.ProblemAsync(await Post(owner, "/v1/budgets", forged), HttpStatusCode.BadRequest, "invalid-tx-signature");
        await HttpAssert.ProblemAsync(await Post(owner, "/v1/budgets", beyond), HttpStatusCode.UnprocessableEntity, TxRejectionCodes.InsufficientBalance);

        foreach (var refused in new[] { owners, forged, beyond })
        {
            await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/budgets/{((BudgetOpen)refused.Body).BudgetId}"), HttpStatusCode.NotFound, "budget-not-found");
        }

        Assert.Equal("unknown", await _tasks.Ledger.TxStatusAsync(transfer.Id.ToString()));
        var account = await _tasks.Ledger.AccountAsync(owner.Did);
        Assert.Equal((LedgerCalls.Grant, 0L), (account.Balance, account.Nonce));
    }

    [Fact]
    public async Task Get_AnUnknownBudgetIs404_AndABadIdIs400()
    {
        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/budgets/{Blake2b.Content(Guid.NewGuid().ToByteArray())}"), HttpStatusCode.NotFound, "budget-not-found");
        await HttpAssert.ProblemAsync(await _tasks.GetAsync("/v1/budgets/not-a-hash"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task LedgerTxs_RefusesABareBudgetOpen_With422_AndOpensNothing()
    {
        var owner = await _tasks.ClientAsync();
        var open = await Budgets.OpenTxAsync(owner, 100);

        await HttpAssert.ProblemAsync(await Post(owner, "/v1/ledger/txs", open), HttpStatusCode.UnprocessableEntity, "budget-open-needs-budgets-api");

        Assert.Equal("unknown", await _tasks.Ledger.TxStatusAsync(open.Id.ToString()));
        Assert.Equal(LedgerCalls.Grant, (await _tasks.Ledger.AccountAsync(owner.Did)).Balance);
    }

    [Fact]
    public async Task TopUp_AddsToTheBudget_AndOnlyItsOwnersTopUpOfThisBudgetIsTaken()
    {
        var owner = await _tasks.ClientAsync();
        var other = await _tasks.ClientAsync();
        var (id, _) = await Budgets.OpenAsync(owner, 300);
        var (otherId, _) = await Budgets.OpenAsync(owner, 50);

        await HttpAssert.ProblemAsync(await _tasks.PostAsync(owner, $"/v1/budgets/{id}/top-up", await Budgets.TopUpBodyAsync(owner, otherId, 10)),
            HttpStatusCode.BadRequest, "malformed-transaction");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(other, $"/v1/budgets/{id}/top-up", await Budgets.TopUpBodyAsync(owner, id, 10)),
            HttpStatusCode.Forbidden, "not-owner");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(owner, $"/v1/budgets/{id}/top-up", BudgetCalls.CloseBody(owner, id)),
            HttpStatusCode.BadRequest, "malformed-transaction");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(owner, "/v1/budgets/not-a-hash/top-up", await Budgets.TopUpBodyAsync(owner, id, 10)), HttpStatusCode.BadRequest);
        Assert.Equal(300, (await Budgets.GetAsync(id)).GetProperty("remaining").GetInt64());

        var final = await HttpAssert.JsonAsync(await _tasks.PostAsync(owner, $"/v1/budgets/{id}/top-up", await Budgets.TopUpBodyAsync(owner, id, 200)), HttpStatusCode.OK);

        Assert.Equal(("final", "budgetTopUp"), (final.GetProperty("status").GetString(), final.GetProperty("transaction").GetProperty("kind").GetString()));
        Assert.Equal(500, (await Budgets.GetAsync(id)).GetProperty("remaining").GetInt64());
        Assert.Equal(50, (await Budgets.GetAsync(otherId)).GetProperty("remaining").GetInt64());
        Assert.Equal(LedgerCalls.Grant - 550, (await _tasks.Ledger.AccountAsync(owner.Did)).Balance);
    }

    [Fact]
    public async Task Close_MarksTheBudgetClosing_AndItTakesNoNewTask()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var owner = await _tasks.ClientAsync();
        var (id, _) = await Budgets.OpenAsync(owner, 300);

        var closed = await HttpAssert.JsonAsync(await _tasks.PostAsync(owner, $"/v1/budgets/{id}/close", BudgetCalls.CloseBody(owner, id)), HttpStatusCode.OK);

        Assert.Equal("final", closed.GetProperty("status").GetString());
        Assert.Contains((await Budgets.GetAsync(id)).GetProperty("status").GetString(), new[] { "closing", "returned" });
        var draft = TaskDraft.For(owner, capability);
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(owner, "/v1/tasks", draft.BudgetBody(id)), HttpStatusCode.UnprocessableEntity, "budget-closing");
        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}"), HttpStatusCode.NotFound);

        // A close has no nonce: sent again, it is the same transaction, answered with its outcome.
        var again = await HttpAssert.JsonAsync(await _tasks.PostAsync(owner, $"/v1/budgets/{id}/close", BudgetCalls.CloseBody(owner, id)), HttpStatusCode.OK);
        Assert.Equal(closed.GetProperty("id").GetString(), again.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Submit_WithBothPaymentsHalfAVoucherOrAnUnreadableOne_Is400MalformedVoucher_AndCreatesNothing()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var owner = await _tasks.ClientAsync();
        var (id, _) = await Budgets.OpenAsync(owner, 300);
        var draft = TaskDraft.For(owner, capability);
        var budget = JsonSerializer.Serialize(id.ToString());
        var voucher = JsonSerializer.Serialize(Convert.ToBase64String(new byte[64]));

        var bodies = new Dictionary<string, string?>[]
        {
            new() { ["budget"] = budget, ["voucher"] = voucher },
            new() { ["paymentLock"] = null, ["budget"] = budget },
            new() { ["paymentLock"] = null, ["voucher"] = voucher },
            new() { ["paymentLock"] = null, ["budget"] = "\"not-a-hash\"", ["voucher"] = voucher },
            new() { ["paymentLock"] = null, ["budget"] = budget, ["voucher"] = "\"not base64!\"" },
            new() { ["paymentLock"] = null, ["budget"] = budget, ["voucher"] = JsonSerializer.Serialize(Convert.ToBase64String(new byte[63])) },
        };
        foreach (var replace in bodies)
        {
            await HttpAssert.ProblemAsync(await _tasks.PostAsync(owner, "/v1/tasks", draft.Body(replace: replace)), HttpStatusCode.BadRequest, "malformed-voucher");
        }

        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}"), HttpStatusCode.NotFound);
        Assert.Equal(0, (await Budgets.GetAsync(id)).GetProperty("reservedTasks").GetInt32());
    }

    [Fact]
    public async Task Submit_BeyondTheBudgetForeignOrUnknown_Is422WithTheBudgetsCode_AndCreatesNothing()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var owner = await _tasks.ClientAsync();
        var other = await _tasks.ClientAsync();
        var (id, _) = await Budgets.OpenAsync(owner, 10);
        var first = TaskDraft.For(owner, capability, maxPrice: 8);
        await _tasks.SubmitAsync(first, first.BudgetBody(id));

        // 10 - 8 reserved is short of another 8.
        var beyond = TaskDraft.For(owner, capability, maxPrice: 8);
        var forged = TaskDraft.For(owner, capability, maxPrice: 1);
        var foreign = TaskDraft.For(other, capability, maxPrice: 1);
        var unknown = TaskDraft.For(owner, capability, maxPrice: 1);
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(owner, "/v1/tasks", beyond.BudgetBody(id)), HttpStatusCode.UnprocessableEntity, "budget-exceeded");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(owner, "/v1/tasks", forged.BudgetBody(id, signer: other)), HttpStatusCode.UnprocessableEntity, "invalid-voucher");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(other, "/v1/tasks", foreign.BudgetBody(id, signer: owner)), HttpStatusCode.UnprocessableEntity, "invalid-voucher");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(owner, "/v1/tasks", unknown.BudgetBody(Blake2b.Content(Guid.NewGuid().ToByteArray()))),
            HttpStatusCode.UnprocessableEntity, "budget-not-found");

        foreach (var refused in new[] { beyond, forged, foreign, unknown })
        {
            await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/tasks/{refused.Id}"), HttpStatusCode.NotFound);
        }

        var view = await Budgets.GetAsync(id);
        Assert.Equal((1, 8L, 10L), (view.GetProperty("reservedTasks").GetInt32(), view.GetProperty("reservedAmount").GetInt64(), view.GetProperty("remaining").GetInt64()));
    }

    [Fact]
    public async Task BudgetTask_IsLockedAtOnce_AndSettlesFromTheBudget()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability, price: 5);
        var owner = await _tasks.ClientAsync();
        var (id, opened) = await Budgets.OpenAsync(owner, 100);
        var agentBefore = await _tasks.Ledger.AccountAsync(agent.Did);
        var draft = TaskDraft.For(owner, capability, maxPrice: 8);

        var submitted = await _tasks.SubmitAsync(draft, draft.BudgetBody(id));

        Assert.Equal("locked", submitted.GetProperty("payment").GetString());
        var reserved = await Budgets.GetAsync(id);
        Assert.Equal((1, 8L), (reserved.GetProperty("reservedTasks").GetInt32(), reserved.GetProperty("reservedAmount").GetInt64()));
        var item = await _tasks.NextAsync(agent);
        await HttpAssert.JsonAsync(await _tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(item.GetProperty("attempt").GetInt32(), "{\"echo\":1}")), HttpStatusCode.OK);
        await HttpAssert.JsonAsync(await _tasks.PostAsync(owner, $"/v1/tasks/{draft.Id}/accept", ""), HttpStatusCode.OK);
        var settled = await _tasks.WaitForStateAsync(draft.Id, "settled");

        Assert.Equal(("released", 5L), (settled.GetProperty("payment").GetString(), settled.GetProperty("price").GetInt64()));
        var view = await Budgets.GetAsync(id);
        Assert.Equal((95L, 5L, 0, 0L, 1L),
            (view.GetProperty("remaining").GetInt64(), view.GetProperty("spent").GetInt64(), view.GetProperty("reservedTasks").GetInt32(),
             view.GetProperty("reservedAmount").GetInt64(), view.GetProperty("settledTasks").GetInt64()));
        Assert.Equal(LedgerCalls.Grant - 100, (await _tasks.Ledger.AccountAsync(owner.Did)).Balance);
        Assert.True((await _tasks.Ledger.AccountAsync(agent.Did)).Balance > agentBefore.Balance);

        // The block that paid it shows the voucher's settlement.
        var settle = await FindOperationAsync(opened.GetProperty("height").GetInt64(), view.GetProperty("height").GetInt64(), "voucherSettle", draft.Id);
        Assert.Equal((id.ToString(), 8L, agent.Did.Value), (settle.GetProperty("budgetId").GetString(), settle.GetProperty("maxPrice").GetInt64(), settle.GetProperty("payee").GetString()));
        Assert.Equal(5, settle.GetProperty("payeeAmount").GetInt64() + settle.GetProperty("fee").GetInt64());
    }

    // The protocol operation of kind 'kind' for task 'taskId' in the blocks from..to (GET /v1/ledger/blocks/{height}).
    private async Task<JsonElement> FindOperationAsync(long from, long to, string kind, Hash32 taskId)
    {
        for (var height = from; height <= to; height++)
        {
            var block = await HttpAssert.JsonAsync(await _tasks.GetAsync($"/v1/ledger/blocks/{height}"), HttpStatusCode.OK);
            var found = block.GetProperty("transactions").EnumerateArray()
                .Where(t => t.GetProperty("kind").GetString() == "protocolBatch")
                .SelectMany(t => t.GetProperty("fields").GetProperty("operations").EnumerateArray())
                .Where(o => o.GetProperty("kind").GetString() == kind && o.TryGetProperty("taskId", out var task) && task.GetString() == taskId.ToString())
                .ToList();
            if (found is [var operation])
            {
                return operation;
            }
        }

        throw new Xunit.Sdk.XunitException($"no {kind} of task {taskId} in blocks {from} to {to}");
    }

    private Task<HttpResponseMessage> Post(AgentKey signer, string path, SignedTransaction transaction) =>
        _tasks.PostAsync(signer, path, LedgerCalls.SubmitBody(transaction.Encoded.Span));
}
