using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Testing.Http;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>Transfers the ledger refuses: the refusal carries the ledger's code and no balance moves.</summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class TransferRejectionTests(StandaloneGatewayFixture fixture)
{
    private readonly LedgerCalls _ledger = new(fixture.Gateway);

    [Fact]
    public async Task InsufficientBalance_Is422WithTheLedgersCode_AndNothingMoves()
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        await _ledger.FundAsync(alice);

        var problem = await HttpAssert.ProblemAsync(
            await _ledger.TransferAsync(alice, bob.Did, LedgerCalls.Grant + 1, nonce: 1), HttpStatusCode.UnprocessableEntity, "insufficient-balance");

        var id = SignedTransaction.FromParts(new Transfer(alice.Did, bob.Did, LedgerCalls.Grant + 1, 1), new byte[64]).Id.ToString();
        Assert.Equal(id, problem.GetProperty("transactionId").GetString());
        Assert.Equal("rejected", await _ledger.TxStatusAsync(id));
        Assert.Equal((LedgerCalls.Grant, 0L), Of(await _ledger.AccountAsync(alice.Did)));
        Assert.Equal((0L, 0L), Of(await _ledger.AccountAsync(bob.Did)));
    }

    [Fact]
    public async Task ReplayedTransfer_IsRefusedOrIdempotent_AndBalancesMoveOnce()
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        var first = RequestSigner.SignedPost(alice, fixture.Gateway.Address, "/v1/transfers", LedgerCalls.TransferBody(alice, bob.Did, 100, 1));
        var replay = await RequestSigner.CopyAsync(first);
        var paid = await HttpAssert.JsonAsync(await _ledger.Http.SendAsync(first, TestContext.Current.CancellationToken), HttpStatusCode.OK);

        // The same HTTP request again: its signature was used.
        await HttpAssert.ProblemAsync(await _ledger.Http.SendAsync(replay, TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized, "signature-replayed");

        // The same transaction in a fresh request: the same id, still final, applied once.
        var again = await HttpAssert.JsonAsync(await _ledger.TransferAsync(alice, bob.Did, 100, nonce: 1), HttpStatusCode.OK);
        Assert.Equal(paid.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Equal(paid.GetProperty("height").GetInt64(), again.GetProperty("height").GetInt64());

        // Another transaction reusing the nonce: the ledger refuses it.
        await HttpAssert.ProblemAsync(await _ledger.TransferAsync(alice, bob.Did, 50, nonce: 1), HttpStatusCode.UnprocessableEntity, "nonce-not-increasing");

        Assert.Equal((LedgerCalls.Grant - 100, 1L), Of(await _ledger.AccountAsync(alice.Did)));
        Assert.Equal((100L, 0L), Of(await _ledger.AccountAsync(bob.Did)));
    }

    [Fact]
    public async Task TransferToSelf_Is422SelfTransfer()
    {
        using var alice = AgentKey.Generate();
        await _ledger.FundAsync(alice);

        await HttpAssert.ProblemAsync(await _ledger.TransferAsync(alice, alice.Did, 1, nonce: 1), HttpStatusCode.UnprocessableEntity, "self-transfer");

        Assert.Equal((LedgerCalls.Grant, 0L), Of(await _ledger.AccountAsync(alice.Did)));
    }

    private static (long Balance, long Nonce) Of(AccountState account) => (account.Balance, account.Nonce);
}
