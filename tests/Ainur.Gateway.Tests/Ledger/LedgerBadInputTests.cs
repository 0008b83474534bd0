using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Testing.Http;
using CsCheck;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>Whatever a caller sends to the ledger endpoints, the answer is a 4xx problem+json and no credit moves.</summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class LedgerBadInputTests(StandaloneGatewayFixture fixture)
{
    private readonly LedgerCalls _ledger = new(fixture.Gateway);

    [Theory]
    [InlineData("/v1/ledger/blocks/0", "invalid-height")]
    [InlineData("/v1/ledger/blocks/-1", "invalid-height")]
    [InlineData("/v1/ledger/blocks/+1", "invalid-height")]
    [InlineData("/v1/ledger/blocks/1.5", "invalid-height")]
    [InlineData("/v1/ledger/blocks/abc", "invalid-height")]
    [InlineData("/v1/ledger/blocks/99999999999999999999", "invalid-height")]
    [InlineData("/v1/ledger/txs/xyz", "invalid-transaction-id")]
    [InlineData("/v1/ledger/txs/00", "invalid-transaction-id")]
    [InlineData("/v1/ledger/txs/0000000000000000000000000000000000000000000000000000000000000000a", "invalid-transaction-id")]
    [InlineData("/v1/ledger/txs/g000000000000000000000000000000000000000000000000000000000000000", "invalid-transaction-id")]
    [InlineData("/v1/accounts/not-a-did", "invalid-did")]
    [InlineData("/v1/accounts/did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "invalid-did")]
    [InlineData("/v1/ledger/blocks/stream?from=0", "invalid-from")]
    [InlineData("/v1/ledger/blocks/stream?from=abc", "invalid-from")]
    public async Task Get_MalformedPathOrQuery_Is400(string path, string code)
    {
        await HttpAssert.ProblemAsync(await _ledger.GetAsync(path), HttpStatusCode.BadRequest, code);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task Stream_MalformedLastEventId_Is400(string lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/ledger/blocks/stream");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);

        await HttpAssert.ProblemAsync(await _ledger.Http.SendAsync(request, TestContext.Current.CancellationToken), HttpStatusCode.BadRequest, "invalid-last-event-id");
    }

    public static TheoryData<string, string> MalformedTransfers => new()
    {
        { "not JSON", "{\"to\": " },
        { "an array", "[1,2]" },
        { "null", "null" },
        { "missing signature", "{\"to\":\"$TO\",\"amount\":1,\"nonce\":1}" },
        { "amount as text", "{\"to\":\"$TO\",\"amount\":\"1\",\"nonce\":1,\"signature\":\"$SIG\"}" },
        { "fractional amount", "{\"to\":\"$TO\",\"amount\":1.5,\"nonce\":1,\"signature\":\"$SIG\"}" },
        { "amount beyond 64 bits", "{\"to\":\"$TO\",\"amount\":99999999999999999999,\"nonce\":1,\"signature\":\"$SIG\"}" },
        { "unknown member", "{\"to\":\"$TO\",\"amount\":1,\"nonce\":1,\"signature\":\"$SIG\",\"from\":\"$TO\"}" },
        { "invalid recipient", "{\"to\":\"did:key:zNOTAKEY\",\"amount\":1,\"nonce\":1,\"signature\":\"$SIG\"}" },
        { "signature not base64", "{\"to\":\"$TO\",\"amount\":1,\"nonce\":1,\"signature\":\"%%%\"}" },
        { "signature too short", "{\"to\":\"$TO\",\"amount\":1,\"nonce\":1,\"signature\":\"AAAA\"}" },
    };

    [Theory]
    [MemberData(nameof(MalformedTransfers))]
    public async Task Transfer_MalformedBody_Is400AndNothingMoves(string why, string template)
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        var signature = Signature(alice, bob.Did, 1);
        var body = template.Replace("$TO", bob.Did.Value, StringComparison.Ordinal).Replace("$SIG", signature, StringComparison.Ordinal);

        var problem = await HttpAssert.ProblemAsync(await _ledger.PostAsync(alice, "/v1/transfers", body), HttpStatusCode.BadRequest, "malformed-body");

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), why);
        await AssertUntouchedAsync(alice.Did, bob.Did);
    }

    [Fact]
    public async Task Transfer_WithALedgerSignatureThatDoesNotMatch_Is400AndNothingMoves()
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        var signed = new Transfer(alice.Did, bob.Did, 5, 1);
        var bodies = new[]
        {
            ("signed by the recipient", LedgerCalls.TransferBody(bob.Did, 5, 1, bob.Sign(SignedTransaction.SigningBytes(LedgerCalls.ChainId, signed))), 5L),
            ("signed for another chain", LedgerCalls.TransferBody(bob.Did, 5, 1, alice.Sign(SignedTransaction.SigningBytes("another-chain", signed))), 5L),
            ("signed for another amount", LedgerCalls.TransferBody(bob.Did, 500, 1, alice.Sign(SignedTransaction.SigningBytes(LedgerCalls.ChainId, signed))), 500L),
        };

        foreach (var (why, body, amount) in bodies)
        {
            var problem = await HttpAssert.ProblemAsync(await _ledger.PostAsync(alice, "/v1/transfers", body), HttpStatusCode.BadRequest, "invalid-tx-signature");
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), why);
            var id = SignedTransaction.FromParts(new Transfer(alice.Did, bob.Did, amount, 1), new byte[64]).Id.ToString();
            Assert.Equal("unknown", await _ledger.TxStatusAsync(id));
        }

        await AssertUntouchedAsync(alice.Did, bob.Did);
    }

    [Theory]
    [InlineData("?wait=abc")]
    [InlineData("?wait=-1")]
    [InlineData("?wait=1.5")]
    public async Task Transfer_MalformedWait_Is400AndNothingMoves(string query)
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        await _ledger.FundAsync(alice);

        await HttpAssert.ProblemAsync(await _ledger.TransferAsync(alice, bob.Did, 5, 1, query), HttpStatusCode.BadRequest, "invalid-wait");

        await AssertUntouchedAsync(alice.Did, bob.Did);
    }

    [Fact]
    public async Task SubmitTransaction_BadBytesOrSignature_Is400AndNothingMoves()
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        using var orchestrator = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        var good = SignedTransaction.Sign(new Transfer(alice.Did, bob.Did, 5, 1), alice, LedgerCalls.ChainId).Encoded.ToArray();
        var forged = SignedTransaction.FromParts(new Transfer(alice.Did, bob.Did, 5, 1), bob.Sign(good)).Encoded.ToArray();
        var batch = SignedTransaction.Sign(new ProtocolBatch(orchestrator.Did, 1, [new EscrowRefund(default)]), orchestrator, LedgerCalls.ChainId).Encoded.ToArray();
        var cases = new (string Body, string Code)[]
        {
            ("{\"transaction\":\"%%%\"}", "malformed-transaction"),
            ("{\"transaction\":\"\"}", "malformed-transaction"),
            (Submit(good[..^1]), "malformed-transaction"),
            (Submit([.. good, 0]), "malformed-transaction"),
            (Submit([99, .. good[1..]]), "malformed-transaction"),
            (Submit(batch), "malformed-transaction"),
            (Submit(forged), "invalid-tx-signature"),
            ("{\"tx\":\"AAAA\"}", "malformed-body"),
            ("[]", "malformed-body"),
        };

        foreach (var (body, code) in cases)
        {
            await HttpAssert.ProblemAsync(await _ledger.PostAsync(bob, "/v1/ledger/txs", body), HttpStatusCode.BadRequest, code);
        }

        Assert.Equal("unknown", await _ledger.TxStatusAsync(SignedTransaction.Decode(good).Id.ToString()));
        await AssertUntouchedAsync(alice.Did, bob.Did);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"to\":\"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp\"}")]
    public async Task Faucet_WithABody_Is400AndGrantsNothing(string body)
    {
        using var alice = AgentKey.Generate();
        var faucet = await _ledger.AccountAsync(_ledger.Faucet);

        await HttpAssert.ProblemAsync(await _ledger.PostAsync(alice, "/v1/faucet", body), HttpStatusCode.BadRequest, "malformed-body");

        Assert.Equal(0, (await _ledger.AccountAsync(alice.Did)).Balance);
        Assert.Equal(faucet.Nonce, (await _ledger.AccountAsync(_ledger.Faucet)).Nonce);
    }

    [Theory]
    [InlineData("/v1/transfers")]
    [InlineData("/v1/ledger/txs")]
    [InlineData("/v1/faucet")]
    [InlineData("/v1/stake")]
    [InlineData("/v1/unstake")]
    public async Task Writes_Unsigned_Are401(string path)
    {
        using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

        await HttpAssert.ProblemAsync(await _ledger.Http.PostAsync(path, content, TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized, "signature-missing");
    }

    [Fact]
    public async Task Writes_ArbitrarySignedBodies_NeverServerError_AndNothingMoves()
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        var valid = LedgerCalls.TransferBody(alice, bob.Did, 1, 1);
        var transaction = SignedTransaction.Sign(new Transfer(alice.Did, bob.Did, 1, 1), alice, LedgerCalls.ChainId).Encoded.ToArray();

        // Random text, prefixes of a valid transfer body, and prefixes or one-byte corruptions of a valid transaction.
        var bodies = Gen.OneOf(
            Gen.String[Gen.Char.AlphaNumeric, 0, 120],
            Gen.String[Gen.Char["{}[]\":,0123456789.-tfnulre \\"], 0, 120],
            Gen.Int[0, valid.Length - 1].Select(n => valid[..n]),
            Gen.Int[0, transaction.Length - 1].Select(n => Submit(transaction[..n])),
            Gen.Select(Gen.Int[0, transaction.Length - 1], Gen.Byte[1, 255], (at, mask) => Submit(Flip(transaction, at, mask))));

        foreach (var body in bodies.Array[40].Single())
        {
            foreach (var path in new[] { "/v1/transfers", "/v1/ledger/txs", "/v1/stake", "/v1/unstake" })
            {
                var response = await _ledger.PostAsync(alice, path, body);
                Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} from {path} for body: {body}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        await AssertUntouchedAsync(alice.Did, bob.Did);
    }

    private static string Signature(AgentKey from, Did to, long amount) =>
        Convert.ToBase64String(from.Sign(SignedTransaction.SigningBytes(LedgerCalls.ChainId, new Transfer(from.Did, to, amount, 1))));

    private static byte[] Flip(byte[] bytes, int at, byte mask)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= mask;
        return copy;
    }

    private static string Submit(byte[] transaction) => LedgerCalls.SubmitBody(transaction);

    // The sender still holds exactly its grant and has used no nonce; the recipient has nothing.
    private async Task AssertUntouchedAsync(Did sender, Did recipient)
    {
        var from = await _ledger.AccountAsync(sender);
        var to = await _ledger.AccountAsync(recipient);
        Assert.Equal((LedgerCalls.Grant, 0L), (from.Balance, from.Nonce));
        Assert.Equal((0L, 0L), (to.Balance, to.Nonce));
    }
}
