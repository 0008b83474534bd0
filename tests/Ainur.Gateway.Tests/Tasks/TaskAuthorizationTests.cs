using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>
/// Only a task's client may cancel, accept or dispute it; only its assigned agent may post its result; only an appointed
/// verifier may judge it; only an agent may take its own feed. Anyone else gets 403 and the task does not move.
/// </summary>
[Collection(TaskNodeCollection.Name)]
public sealed class TaskAuthorizationTests(TaskNodeFixture fixture)
{
    private readonly TaskClient _tasks = new(fixture.Gateway);

    [Fact]
    public async Task Cancel_BySomeoneElse_Is403_ByTheClient_Cancels()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability);
        await _tasks.SubmitAsync(draft);
        var before = await _tasks.WaitForPaymentAsync(draft.Id, "locked");
        using var mallory = AgentKey.Generate();

        await HttpAssert.ProblemAsync(await _tasks.PostAsync(mallory, $"/v1/tasks/{draft.Id}/cancel", "{}"), HttpStatusCode.Forbidden, "task-forbidden");
        TaskBadInputTests.AssertSame(before, await _tasks.TaskAsync(draft.Id));

        var cancelled = await HttpAssert.JsonAsync(await _tasks.PostAsync(draft.Client, $"/v1/tasks/{draft.Id}/cancel", ""), HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.Equal("refunded", (await _tasks.WaitForPaymentAsync(draft.Id, "refunded")).GetProperty("payment").GetString());
        Assert.Equal(LedgerCalls.Grant, (await _tasks.Ledger.AccountAsync(draft.Client.Did)).Balance);
    }

    [Fact]
    public async Task AcceptDisputeAndResult_BySomeoneElse_Are403_AndTheTaskDoesNotMove()
    {
        var (draft, agent, item) = await _tasks.VerifyingAsync();
        var before = await _tasks.TaskAsync(draft.Id);
        var mallory = await _tasks.ClientAsync();
        var attempt = item.GetProperty("attempt").GetInt32();

        await HttpAssert.ProblemAsync(await _tasks.PostAsync(mallory, $"/v1/tasks/{draft.Id}/accept", "{}"), HttpStatusCode.Forbidden, "task-forbidden");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/accept", "{}"), HttpStatusCode.Forbidden, "task-forbidden");

        // Mallory's bond lock is well formed for herself; it must never reach the ledger (it would block the real dispute's escrow id).
        var bondLockExpiry = before.GetProperty("result").GetProperty("bondLockExpiry").GetInt64();
        var malloryBond = SignedTransaction.Sign(new EscrowLock(mallory.Did, TaskEscrows.DisputeBond(draft.Id), TaskNodeFixture.DisputeBond, bondLockExpiry), mallory, LedgerCalls.ChainId);
        await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(mallory, $"/v1/tasks/{draft.Id}/dispute", await _tasks.DisputeBodyAsync(mallory, draft.Id)), HttpStatusCode.Forbidden, "task-forbidden");
        Assert.Equal("unknown", await _tasks.Ledger.TxStatusAsync(malloryBond.Id.ToString()));

        await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(mallory, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(attempt, "{\"forged\":true}")), HttpStatusCode.Forbidden, "task-forbidden");
        await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(mallory, $"/v1/tasks/{draft.Id}/verdict", "{\"upholds\":false}"), HttpStatusCode.Forbidden, "task-forbidden");

        TaskBadInputTests.AssertSame(before, await _tasks.TaskAsync(draft.Id));
        Assert.Equal(LedgerCalls.Grant, (await _tasks.Ledger.AccountAsync(mallory.Did)).Balance);
    }

    [Fact]
    public async Task Result_BySomeoneElseOrWithAWrongHash_IsRefused_TheAgentsOwnStands()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability);
        await _tasks.SubmitAsync(draft);
        var attempt = (await _tasks.NextAsync(agent)).GetProperty("attempt").GetInt32();
        var executing = await _tasks.TaskAsync(draft.Id);
        var other = await _tasks.AgentAsync(capability);
        const string output = "{\"echo\": 1}";

        await HttpAssert.ProblemAsync(await _tasks.PostAsync(other, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(attempt, output)), HttpStatusCode.Forbidden, "task-forbidden");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(draft.Client, $"/v1/tasks/{draft.Id}/result", $"{{\"attempt\":{attempt},\"error\":\"gave up\"}}"), HttpStatusCode.Forbidden, "task-forbidden");
        // The hash must be of the text as posted: the same JSON without its space hashes differently.
        await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(attempt, output, JsonHash("{\"echo\":1}"))), HttpStatusCode.UnprocessableEntity, "task-invalid");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(attempt + 1, output)), HttpStatusCode.Conflict, "task-conflict");
        TaskBadInputTests.AssertSame(executing, await _tasks.TaskAsync(draft.Id));

        var posted = await HttpAssert.JsonAsync(await _tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(attempt, output)), HttpStatusCode.OK);
        Assert.Equal(("verifying", output, JsonHash(output)), (posted.GetProperty("state").GetString(), posted.GetProperty("result").GetProperty("output").GetRawText(), posted.GetProperty("result").GetProperty("outputHash").GetString()));
    }

    [Fact]
    public async Task Next_SignedBySomeoneElse_Is403_AndTakesNothing()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability);
        await _tasks.SubmitAsync(draft);
        await _tasks.WaitForStateAsync(draft.Id, "assigned");

        await HttpAssert.ProblemAsync(await _tasks.GetSignedAsync(draft.Client, $"/v1/agents/{agent.Did}/tasks/next", "?wait=1"), HttpStatusCode.Forbidden, "not-owner");

        Assert.Equal("assigned", (await _tasks.TaskAsync(draft.Id)).GetProperty("state").GetString());
        Assert.Equal(draft.Id.ToString(), (await _tasks.NextAsync(agent)).GetProperty("taskId").GetString());
    }

    [Fact]
    public async Task Dispute_ByTheClient_IsJudgedByTheAppointedVerifierOnly()
    {
        var capability = TaskClient.NewCapability();
        var (draft, agent, _) = await _tasks.VerifyingAsync(capability);
        var verifier = await _tasks.AgentAsync(capability);
        using var mallory = AgentKey.Generate();

        var disputed = await HttpAssert.JsonAsync(await _tasks.PostAsync(draft.Client, $"/v1/tasks/{draft.Id}/dispute", await _tasks.DisputeBodyAsync(draft.Client, draft.Id)), HttpStatusCode.OK);
        Assert.Equal("disputed", disputed.GetProperty("state").GetString());

        var item = await _tasks.NextAsync(verifier);
        Assert.Equal(("verify", draft.Id.ToString(), false), (item.GetProperty("kind").GetString(), item.GetProperty("taskId").GetString(), item.GetProperty("deterministic").GetBoolean()));
        Assert.Equal(TaskDraft.SpacedInput, item.GetProperty("input").GetRawText());
        var appointed = await _tasks.TaskAsync(draft.Id);
        Assert.Equal([verifier.Did.Value], appointed.GetProperty("dispute").GetProperty("verifiers").EnumerateArray().Select(v => v.GetString()));

        foreach (var outsider in new[] { mallory, agent, draft.Client })
        {
            await HttpAssert.ProblemAsync(await _tasks.PostAsync(outsider, $"/v1/tasks/{draft.Id}/verdict", "{\"upholds\":false}"), HttpStatusCode.Forbidden, "task-forbidden");
        }

        TaskBadInputTests.AssertSame(appointed, await _tasks.TaskAsync(draft.Id));

        var judged = await HttpAssert.JsonAsync(await _tasks.PostAsync(verifier, $"/v1/tasks/{draft.Id}/verdict", "{\"upholds\":true}"), HttpStatusCode.OK);
        Assert.Equal("agentWins", judged.GetProperty("dispute").GetProperty("resolution").GetString());
        await _tasks.WaitForStateAsync(draft.Id, "settled");
    }

    private static string JsonHash(string text) => Protocol.Hashing.Blake2b.Content(System.Text.Encoding.UTF8.GetBytes(text)).ToString();
}
