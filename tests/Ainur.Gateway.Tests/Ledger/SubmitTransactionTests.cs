using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>
/// <c>POST /v1/ledger/txs</c>: a client transaction relayed by anyone, with the same answers as a transfer; an escrow lock
/// only with its task.
/// </summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class SubmitTransactionTests(StandaloneGatewayFixture fixture)
{
    private readonly LedgerCalls _ledger = new(fixture.Gateway);

    [Fact]
    public async Task Stake_SubmittedByItsOwner_IsFinalAndMovesBalanceToStake()
    {
        using var alice = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        var stake = SignedTransaction.Sign(new Stake(alice.Did, 400, 1), alice, LedgerCalls.ChainId);

        var final = await HttpAssert.JsonAsync(await _ledger.PostAsync(alice, "/v1/ledger/txs", Body(stake)), HttpStatusCode.OK);

        Assert.Equal(("final", "stake"), (final.GetProperty("status").GetString(), final.GetProperty("transaction").GetProperty("kind").GetString()));
        var account = await _ledger.AccountAsync(alice.Did);
        Assert.Equal((LedgerCalls.Grant - 400, 400L, 1L), (account.Balance, account.Stake, account.Nonce));
    }

    [Fact]
    public async Task EscrowLock_AloneByItsPayerOrARelay_Is422NeedsTask_AndLocksNothing()
    {
        using var payer = AgentKey.Generate();
        using var relay = AgentKey.Generate();
        await _ledger.FundAsync(payer);
        var escrowId = Blake2b.Content(Guid.NewGuid().ToByteArray());
        var bare = SignedTransaction.Sign(new EscrowLock(payer.Did, escrowId, 300, DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds()), payer, LedgerCalls.ChainId);

        foreach (var sender in new[] { payer, relay })
        {
            await HttpAssert.ProblemAsync(await _ledger.PostAsync(sender, "/v1/ledger/txs", Body(bare)), HttpStatusCode.UnprocessableEntity, "escrow-lock-needs-task");
        }

        Assert.Equal("unknown", await _ledger.TxStatusAsync(bare.Id.ToString()));
        Assert.Equal(LedgerCalls.Grant, (await _ledger.AccountAsync(payer.Did)).Balance);
    }

    [Fact]
    public async Task WaitZero_AnswersBeforeFinality_AndResubmittingWaitsForTheSameTransaction()
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        var transfer = SignedTransaction.Sign(new Transfer(alice.Did, bob.Did, 3, 1), alice, LedgerCalls.ChainId);

        var early = await _ledger.PostAsync(alice, "/v1/ledger/txs", Body(transfer), "?wait=0");

        // Finality within no wait at all is possible but not expected; either answer names the same transaction.
        if (early.StatusCode == HttpStatusCode.Accepted)
        {
            var pending = await HttpAssert.JsonAsync(early, HttpStatusCode.Accepted);
            Assert.Equal("pending", pending.GetProperty("status").GetString());
            Assert.Equal($"/v1/ledger/txs/{transfer.Id}", early.Headers.Location?.OriginalString);
        }
        else
        {
            await HttpAssert.JsonAsync(early, HttpStatusCode.OK);
        }

        var final = await HttpAssert.JsonAsync(await _ledger.PostAsync(bob, "/v1/ledger/txs", Body(transfer)), HttpStatusCode.OK);
        Assert.Equal((transfer.Id.ToString(), "final"), (final.GetProperty("id").GetString(), final.GetProperty("status").GetString()));
        Assert.Equal(3, (await _ledger.AccountAsync(bob.Did)).Balance);
    }

    private static string Body(SignedTransaction transaction) => LedgerCalls.SubmitBody(transaction.Encoded.Span);
}
