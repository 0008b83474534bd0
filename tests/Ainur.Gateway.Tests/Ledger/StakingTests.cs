using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>
/// <c>POST /v1/stake</c> and <c>POST /v1/unstake</c> over real HTTP: only the signer's own Stake (resp. Unstake), with
/// the answers of every ledger write; anything else is a 4xx problem and changes nothing.
/// </summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class StakingTests(StandaloneGatewayFixture fixture)
{
    // The node runs with the default Ainur:Ledger:UnbondingBlocks.
    private const long UnbondingBlocks = 100;

    private readonly LedgerCalls _ledger = new(fixture.Gateway);

    [Fact]
    public async Task Stake_ByItsOwner_IsFinal_AndTheAccountShowsTheStake()
    {
        using var alice = AgentKey.Generate();
        await _ledger.FundAsync(alice);

        var final = await HttpAssert.JsonAsync(await _ledger.PostAsync(alice, "/v1/stake", Body(Stake(alice, 400, 1))), HttpStatusCode.OK);

        Assert.Equal(("final", "stake"), (final.GetProperty("status").GetString(), final.GetProperty("transaction").GetProperty("kind").GetString()));
        Assert.False(string.IsNullOrEmpty(final.GetProperty("proof").GetString()));
        var account = await _ledger.AccountAsync(alice.Did);
        Assert.Equal((LedgerCalls.Grant - 400, 400L, 1L), (account.Balance, account.Stake, account.Nonce));
    }

    [Fact]
    public async Task Unstake_ByItsOwner_MovesStakeToUnbondingReleasedAfterTheUnbondingPeriod()
    {
        using var alice = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        await HttpAssert.JsonAsync(await _ledger.PostAsync(alice, "/v1/stake", Body(Stake(alice, 400, 1))), HttpStatusCode.OK);

        var final = await HttpAssert.JsonAsync(await _ledger.PostAsync(alice, "/v1/unstake", Body(Unstake(alice, 150, 2))), HttpStatusCode.OK);

        var height = final.GetProperty("height").GetInt64();
        var view = await HttpAssert.JsonAsync(await _ledger.GetAsync($"/v1/accounts/{alice.Did}"), HttpStatusCode.OK);
        Assert.Equal((LedgerCalls.Grant - 400, 250L), (view.GetProperty("balance").GetInt64(), view.GetProperty("stake").GetInt64()));
        var unbonding = Assert.Single(view.GetProperty("unbonding").EnumerateArray());
        Assert.Equal((150L, height + UnbondingBlocks), (unbonding.GetProperty("amount").GetInt64(), unbonding.GetProperty("releaseHeight").GetInt64()));
    }

    [Theory]
    [InlineData("/v1/stake")]
    [InlineData("/v1/unstake")]
    public async Task SomeoneElsesTransaction_Is403AndChangesNothing(string path)
    {
        using var alice = AgentKey.Generate();
        using var mallory = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        await HttpAssert.JsonAsync(await _ledger.PostAsync(alice, "/v1/stake", Body(Stake(alice, 100, 1))), HttpStatusCode.OK);
        var before = await _ledger.AccountAsync(alice.Did);
        var alices = path == "/v1/stake" ? Stake(alice, 50, 2) : Unstake(alice, 50, 2);

        await HttpAssert.ProblemAsync(await _ledger.PostAsync(mallory, path, Body(alices)), HttpStatusCode.Forbidden, "not-owner");

        Assert.Equal("unknown", await _ledger.TxStatusAsync(alices.Id.ToString()));
        Assert.Equal(before with { Height = 0 }, (await _ledger.AccountAsync(alice.Did)) with { Height = 0 });
    }

    [Fact]
    public async Task BadBodies_Are4xxProblems_AndNothingMoves()
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        var stake = Stake(alice, 10, 1);
        var forged = SignedTransaction.FromParts(stake.Body, bob.Sign(stake.Encoded.Span)).Encoded.ToArray();
        var otherChain = SignedTransaction.Sign(stake.Body, alice, "another-chain").Encoded.ToArray();
        var cases = new (string Path, string Body, string Code)[]
        {
            ("/v1/stake", Body(Unstake(alice, 10, 1)), "malformed-transaction"),
            ("/v1/unstake", Body(stake), "malformed-transaction"),
            ("/v1/stake", Body(SignedTransaction.Sign(new Transfer(alice.Did, bob.Did, 10, 1), alice, LedgerCalls.ChainId)), "malformed-transaction"),
            ("/v1/stake", LedgerCalls.SubmitBody(forged), "invalid-tx-signature"),
            ("/v1/stake", LedgerCalls.SubmitBody(otherChain), "invalid-tx-signature"),
            ("/v1/stake", LedgerCalls.SubmitBody(stake.Encoded.Span[..^1]), "malformed-transaction"),
            ("/v1/stake", "{\"transaction\":\"%%%\"}", "malformed-transaction"),
            ("/v1/stake", "{\"tx\":\"AAAA\"}", "malformed-body"),
            ("/v1/stake", "{\"amount\":10,\"nonce\":1}", "malformed-body"),
            ("/v1/unstake", "[]", "malformed-body"),
            ("/v1/unstake", "", "malformed-body"),
        };

        foreach (var (path, body, code) in cases)
        {
            await HttpAssert.ProblemAsync(await _ledger.PostAsync(alice, path, body), HttpStatusCode.BadRequest, code);
        }

        await HttpAssert.ProblemAsync(await _ledger.PostAsync(alice, "/v1/stake", Body(stake), "?wait=abc"), HttpStatusCode.BadRequest, "invalid-wait");
        Assert.Equal("unknown", await _ledger.TxStatusAsync(stake.Id.ToString()));
        var account = await _ledger.AccountAsync(alice.Did);
        Assert.Equal((LedgerCalls.Grant, 0L, 0L), (account.Balance, account.Stake, account.Nonce));
    }

    [Fact]
    public async Task LedgerRefusals_Are422WithTheLedgersCode()
    {
        using var alice = AgentKey.Generate();
        await _ledger.FundAsync(alice);

        await HttpAssert.ProblemAsync(await _ledger.PostAsync(alice, "/v1/stake", Body(Stake(alice, LedgerCalls.Grant + 1, 1))), HttpStatusCode.UnprocessableEntity, "insufficient-balance");
        await HttpAssert.ProblemAsync(await _ledger.PostAsync(alice, "/v1/unstake", Body(Unstake(alice, 1, 1))), HttpStatusCode.UnprocessableEntity, "insufficient-stake");
        await HttpAssert.ProblemAsync(await _ledger.PostAsync(alice, "/v1/stake", Body(Stake(alice, 0, 1))), HttpStatusCode.UnprocessableEntity, "bad-amount");

        var account = await _ledger.AccountAsync(alice.Did);
        Assert.Equal((LedgerCalls.Grant, 0L, 0L), (account.Balance, account.Stake, account.Nonce));
    }

    private static SignedTransaction Stake(AgentKey key, long amount, long nonce) =>
        SignedTransaction.Sign(new Stake(key.Did, amount, nonce), key, LedgerCalls.ChainId);

    private static SignedTransaction Unstake(AgentKey key, long amount, long nonce) =>
        SignedTransaction.Sign(new Unstake(key.Did, amount, nonce), key, LedgerCalls.ChainId);

    private static string Body(SignedTransaction transaction) => LedgerCalls.SubmitBody(transaction.Encoded.Span);
}
