using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Ainur.Testing.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>
/// A client's signed lock that the ledger refused, or that its request never got to use, relayed later when the client
/// has the credits: no sequence of requests leaves the credits locked with nothing to release or refund them. A relay
/// over HTTP is refused (an escrow lock enters the ledger only with its task); a relay straight into the ledger's pool
/// (what any ledger participant that saw the lock could do) is refunded by the task that watches its refused lock, or
/// refused by the ledger once the lock has expired.
/// </summary>
[Collection(TaskNodeCollection.Name)]
public sealed class LateLockRelayTests(TaskNodeFixture fixture)
{
    private readonly TaskClient _tasks = new(fixture.Gateway);
    private readonly IGrainFactory _grains = fixture.Gateway.Services.GetRequiredService<IGrainFactory>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // (a) The gateway refused the task (short of maxPrice) before anything was stored; the client is funded later.
    [Fact]
    public async Task LockOfATaskRefusedForItsBalance_RelayedOnceFunded_LocksNothing()
    {
        var client = await _tasks.ClientAsync();
        var draft = TaskDraft.For(client, TaskClient.NewCapability(), maxPrice: LedgerCalls.Grant + 1);
        await _tasks.AgentAsync(draft.Capability, staked: false);
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(client, "/v1/tasks", draft.Body()), HttpStatusCode.UnprocessableEntity, "insufficient-balance");
        await _tasks.Ledger.FundAsync(client);

        await AssertRelayRefusedAsync(draft.PaymentLock(), client);

        Assert.Equal(2 * LedgerCalls.Grant, (await _tasks.Ledger.AccountAsync(client.Did)).Balance);
        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}"), HttpStatusCode.NotFound, "task-not-found");
    }

    // (b) The balance was spent by a transfer that reached the ledger first; the task failed; the client is paid again.
    [Fact]
    public async Task LockRefusedInARace_RelayedAfterTheTaskFailed_IsRefunded()
    {
        var client = await _tasks.ClientAsync();
        var draft = TaskDraft.For(client, TaskClient.NewCapability());
        await SpendAllButAsync(client, draft.MaxPrice - 1);
        await SubmitPastTheBalanceCheckAsync(draft);
        await _tasks.WaitForPaymentAsync(draft.Id, "lockRejected");
        Assert.Equal("failed", (await _tasks.TaskAsync(draft.Id)).GetProperty("state").GetString());
        await _tasks.Ledger.FundAsync(client);
        var before = (await _tasks.Ledger.AccountAsync(client.Did)).Balance;

        await AssertRelayRefusedAsync(draft.PaymentLock(), client);
        Assert.Equal(TxState.Final, (await RelayIntoThePoolAsync(draft.PaymentLock())).State);

        var refunded = await _tasks.WaitForPaymentAsync(draft.Id, "refunded");
        Assert.Equal("failed", refunded.GetProperty("state").GetString());
        Assert.Equal(before, (await _tasks.Ledger.AccountAsync(client.Did)).Balance);
    }

    // (b) again, relayed after the deadline: the task's watch ended at the expiry (the ledger idle meanwhile: the watch
    // itself has the ledger's time pass it), and the ledger refuses the relay.
    [Fact]
    public async Task LockRefusedInARace_RelayedAfterItsExpiry_IsRefusedByTheLedger()
    {
        var client = await _tasks.ClientAsync();
        var draft = TaskDraft.For(client, TaskClient.NewCapability()) with
        {
            Deadline = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(3).ToUnixTimeMilliseconds()),
        };
        await SpendAllButAsync(client, draft.MaxPrice - 1);
        await SubmitPastTheBalanceCheckAsync(draft);
        await _tasks.WaitForPaymentAsync(draft.Id, "lockRejected");
        await _tasks.Ledger.FundAsync(client);
        var before = (await _tasks.Ledger.AccountAsync(client.Did)).Balance;

        var expired = await _tasks.WaitForPaymentAsync(draft.Id, "expired");
        var relayed = await RelayIntoThePoolAsync(draft.PaymentLock());

        Assert.True(DateTimeOffset.UtcNow > draft.Deadline);
        Assert.True(expired.GetProperty("state").GetString() == "failed" && (await _tasks.TaskAsync(draft.Id)).GetProperty("payment").GetString() == "expired");
        Assert.Equal((TxState.Rejected, TxRejectionCodes.EscrowLockExpired), (relayed.State, relayed.Rejection?.Code));
        Assert.Equal(before, (await _tasks.Ledger.AccountAsync(client.Did)).Balance);
    }

    // (c) Two tasks on a balance that covers one: the ledger refuses one lock; the other task is cancelled and refunded.
    [Fact]
    public async Task TwoTasksOnABalanceForOne_TheRefusedLockRelayedLater_IsRefunded()
    {
        var client = await _tasks.ClientAsync();
        var capability = TaskClient.NewCapability();
        var drafts = new[] { TaskDraft.For(client, capability, maxPrice: 600_000), TaskDraft.For(client, capability, maxPrice: 600_000) };
        await Task.WhenAll(drafts.Select(SubmitPastTheBalanceCheckAsync));
        var views = await Task.WhenAll(drafts.Select(d => _tasks.WaitForAsync(d.Id, t => t.GetProperty("payment").GetString() != "locking", "a ledger answer")));
        var refused = Assert.Single(drafts, d => views[Array.IndexOf(drafts, d)].GetProperty("payment").GetString() == "lockRejected");
        var taken = Assert.Single(drafts, d => d != refused);
        await HttpAssert.JsonAsync(await _tasks.PostAsync(client, $"/v1/tasks/{taken.Id}/cancel", "{}"), HttpStatusCode.OK);
        await _tasks.WaitForPaymentAsync(taken.Id, "refunded");
        Assert.Equal(LedgerCalls.Grant, (await _tasks.Ledger.AccountAsync(client.Did)).Balance);

        await AssertRelayRefusedAsync(refused.PaymentLock(), client);
        Assert.Equal(TxState.Final, (await RelayIntoThePoolAsync(refused.PaymentLock())).State);

        await _tasks.WaitForPaymentAsync(refused.Id, "refunded");
        Assert.Equal(LedgerCalls.Grant, (await _tasks.Ledger.AccountAsync(client.Did)).Balance);
    }

    /// <summary>Relayed over HTTP, by the client or anyone else: 422, and the ledger's pool does not take it.</summary>
    private async Task AssertRelayRefusedAsync(SignedTransaction paymentLock, AgentKey client)
    {
        var status = await _tasks.Ledger.TxStatusAsync(paymentLock.Id.ToString());
        Assert.True(status is "unknown" or "rejected", status);
        using var relay = AgentKey.Generate();
        foreach (var sender in new[] { client, relay })
        {
            await HttpAssert.ProblemAsync(
                await _tasks.PostAsync(sender, "/v1/ledger/txs", LedgerCalls.SubmitBody(paymentLock.Encoded.Span)), HttpStatusCode.UnprocessableEntity, "escrow-lock-needs-task");
        }

        Assert.Equal(status, await _tasks.Ledger.TxStatusAsync(paymentLock.Id.ToString()));
    }

    /// <summary>Straight into the ledger's pool, as a participant of the ledger that saw the lock could; the ledger's answer.</summary>
    private async Task<TxStatus> RelayIntoThePoolAsync(SignedTransaction paymentLock)
    {
        var mempool = _grains.GetGrain<IMempoolGrain>(0);
        await mempool.SubmitAsync(paymentLock);
        return await mempool.WaitAsync(paymentLock.Id, TimeSpan.FromSeconds(20));
    }

    /// <summary>Leaves <paramref name="client"/> <paramref name="left"/> credits: the transfer is in the pool when this returns.</summary>
    private async Task SpendAllButAsync(AgentKey client, long left)
    {
        using var sink = AgentKey.Generate();
        var response = await _tasks.Ledger.TransferAsync(client, sink.Did, LedgerCalls.Grant - left, 1, "?wait=0");
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, await SignedClient.DescribeAsync(response));
    }

    /// <summary>Submits the task as the gateway does once its balance check passed: a transfer may still beat the lock.</summary>
    private async Task SubmitPastTheBalanceCheckAsync(TaskDraft draft)
    {
        var reply = await _grains.GetGrain<ITaskGrain>(draft.Id.ToString()).SubmitAsync(new SubmitTask(draft.Terms, draft.Input, []), draft.PaymentLock());
        Assert.Null(reply.Rejection);
    }
}
