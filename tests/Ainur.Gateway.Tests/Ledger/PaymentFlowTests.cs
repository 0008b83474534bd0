using System.Net;
using System.Text.Json.Nodes;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Proofs;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>Faucet, transfer and proof, end to end over real HTTP against a standalone node.</summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class PaymentFlowTests(StandaloneGatewayFixture fixture)
{
    private readonly LedgerCalls _ledger = new(fixture.Gateway);

    [Fact]
    public async Task FaucetThenTransfer_MovesCreditsOnBothSides_AndSupplyIsUnchanged()
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();

        var grant = await _ledger.FundAsync(alice);

        Assert.Equal("final", grant.GetProperty("status").GetString());
        var granted = grant.GetProperty("transaction").GetProperty("fields");
        Assert.Equal(_ledger.Faucet.Value, granted.GetProperty("from").GetString());
        Assert.Equal(alice.Did.Value, granted.GetProperty("to").GetString());
        Assert.Equal(LedgerCalls.Grant, granted.GetProperty("amount").GetInt64());
        var before = await SupplyAsync(alice.Did, bob.Did);
        Assert.Equal(LedgerCalls.Grant, (await _ledger.AccountAsync(alice.Did)).Balance);

        var response = await _ledger.TransferAsync(alice, bob.Did, 250, nonce: 1);

        var final = await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("final", final.GetProperty("status").GetString());
        Assert.True(final.GetProperty("height").GetInt64() > grant.GetProperty("height").GetInt64());
        Assert.False(string.IsNullOrEmpty(final.GetProperty("proof").GetString()));
        var sent = await _ledger.AccountAsync(alice.Did);
        var received = await _ledger.AccountAsync(bob.Did);
        Assert.Equal((LedgerCalls.Grant - 250, 1L), (sent.Balance, sent.Nonce));
        Assert.Equal((250L, 0L), (received.Balance, received.Nonce));
        Assert.Equal(before, await SupplyAsync(alice.Did, bob.Did));
    }

    [Fact]
    public async Task Proof_VerifiesOfflineWithTheCli_AndFailsWhenAnyByteIsFlipped()
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        var transfer = await HttpAssert.JsonAsync(await _ledger.TransferAsync(alice, bob.Did, 42, nonce: 7), HttpStatusCode.OK);
        var id = transfer.GetProperty("id").GetString()!;
        using var cli = new CliRun(fixture.Gateway.Address);
        var (proofFile, validatorsFile) = (cli.File("transfer.proof"), cli.File("validators.json"));
        Assert.Equal(0, (await cli.RunAsync("tx", "show", id, "--proof-out", proofFile)).Code);
        Assert.Equal(0, (await cli.RunAsync("ledger", "validators", "--out", validatorsFile)).Code);

        var (code, output, error) = await cli.RunAsync("verify", proofFile, "--validators", validatorsFile, "--json");

        Assert.True(code == 0, error);
        var proven = JsonNode.Parse(output)!;
        Assert.Equal(id, (string?)proven["transactionId"]);
        Assert.Equal("transfer", (string?)proven["kind"]);
        Assert.Equal(alice.Did.Value, (string?)proven["fields"]!["from"]);
        Assert.Equal(bob.Did.Value, (string?)proven["fields"]!["to"]);
        Assert.Equal(42, (long?)proven["fields"]!["amount"]);
        Assert.Equal(transfer.GetProperty("height").GetInt64(), (long?)proven["height"]);

        // The saved proof is of the same transaction in the same block (each validator stores its own certificate, so
        // the precommits may be another valid quorum than the ones the transfer's answer carried).
        var saved = PaymentProof.Decode(await File.ReadAllBytesAsync(proofFile, TestContext.Current.CancellationToken));
        var answered = PaymentProof.Decode(Convert.FromBase64String(transfer.GetProperty("proof").GetString()!));
        Assert.Equal((answered.Transaction, answered.Header), (saved.Transaction, saved.Header));

        // Every byte matters: the transaction, the path, the header and the certificate are all bound together.
        var proof = await File.ReadAllBytesAsync(proofFile, TestContext.Current.CancellationToken);
        var tampered = cli.File("tampered.proof");
        for (var position = 0; position < proof.Length; position++)
        {
            foreach (var mask in new byte[] { 0xFF, (byte)(1 << (position % 8)) })
            {
                var copy = (byte[])proof.Clone();
                copy[position] ^= mask;
                await File.WriteAllBytesAsync(tampered, copy, TestContext.Current.CancellationToken);

                (code, _, error) = await cli.RunAsync("verify", tampered, "--validators", validatorsFile);

                Assert.True(code == 5, $"byte {position} ^ 0x{mask:x2} of {proof.Length}: exit {code}, {error}");
                Assert.StartsWith("invalid: ", error, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Reads_TransactionBlockValidatorsAndAccount_AgreeWithEachOther()
    {
        using var alice = AgentKey.Generate();
        using var bob = AgentKey.Generate();
        await _ledger.FundAsync(alice);
        var transfer = await HttpAssert.JsonAsync(await _ledger.TransferAsync(alice, bob.Did, 9, nonce: 1), HttpStatusCode.OK);
        var id = transfer.GetProperty("id").GetString()!;
        var height = transfer.GetProperty("height").GetInt64();
        var position = transfer.GetProperty("position").GetInt32();

        var tx = await HttpAssert.JsonAsync(await _ledger.GetAsync($"/v1/ledger/txs/{id.ToUpperInvariant()}"), HttpStatusCode.OK);
        var block = await HttpAssert.JsonAsync(await _ledger.GetAsync($"/v1/ledger/blocks/{height}"), HttpStatusCode.OK);
        var validators = await HttpAssert.JsonAsync(await _ledger.GetAsync("/v1/ledger/validators"), HttpStatusCode.OK);
        var account = await _ledger.AccountAsync(bob.Did);

        Assert.Equal(("final", height, position), (tx.GetProperty("status").GetString(), tx.GetProperty("height").GetInt64(), tx.GetProperty("position").GetInt32()));
        Assert.Equal(transfer.GetProperty("transaction").GetProperty("encoded").GetString(), tx.GetProperty("transaction").GetProperty("encoded").GetString());
        Assert.Equal(
            transfer.GetProperty("proofParts").GetProperty("header").GetProperty("hash").GetString(),
            tx.GetProperty("proofParts").GetProperty("header").GetProperty("hash").GetString());
        var header = block.GetProperty("header");
        Assert.Equal(height, header.GetProperty("height").GetInt64());
        Assert.Equal(LedgerCalls.ChainId, header.GetProperty("chainId").GetString());
        Assert.Equal(header.GetProperty("hash").GetString(), tx.GetProperty("proofParts").GetProperty("header").GetProperty("hash").GetString());
        Assert.Equal(header.GetProperty("txCount").GetInt32(), block.GetProperty("transactions").GetArrayLength());
        var included = block.GetProperty("transactions")[position];
        Assert.Equal(id, included.GetProperty("id").GetString());
        Assert.Equal("transfer", included.GetProperty("kind").GetString());
        Assert.Equal(9, included.GetProperty("fields").GetProperty("amount").GetInt64());
        Assert.Equal(tx.GetProperty("transaction").GetProperty("encoded").GetString(), included.GetProperty("encoded").GetString());
        var certificate = block.GetProperty("certificate");
        Assert.Equal(header.GetProperty("hash").GetString(), certificate.GetProperty("blockHash").GetString());
        Assert.True(certificate.GetProperty("signatures").GetArrayLength() >= validators.GetProperty("quorum").GetInt32());

        Assert.Equal(LedgerCalls.ChainId, validators.GetProperty("chainId").GetString());
        Assert.Equal([0, 1, 2, 3], validators.GetProperty("validators").EnumerateArray().Select(v => v.GetProperty("index").GetInt32()));
        // A validator that misses the status call's 2 s deadline (a loaded machine) is listed offline; a quorum cannot be.
        Assert.True(validators.GetProperty("validators").EnumerateArray().Count(v => v.GetProperty("online").GetBoolean()) >= 3);
        Assert.All(validators.GetProperty("validators").EnumerateArray(), v => Assert.StartsWith("did:key:z6Mk", v.GetProperty("did").GetString(), StringComparison.Ordinal));
        Assert.Equal(3, validators.GetProperty("quorum").GetInt32());
        Assert.Equal(9, account.Balance);
        Assert.True(account.Height >= height);
    }

    [Fact]
    public async Task Reads_OfWhatIsNotThere_Are404Problems()
    {
        await HttpAssert.ProblemAsync(await _ledger.GetAsync($"/v1/ledger/blocks/{long.MaxValue}"), HttpStatusCode.NotFound, "block-not-found");
        await HttpAssert.ProblemAsync(await _ledger.GetAsync($"/v1/ledger/txs/{new string('a', 64)}"), HttpStatusCode.NotFound, "tx-not-found");

        using var nobody = AgentKey.Generate();
        var never = await _ledger.AccountAsync(nobody.Did);
        Assert.Equal((0L, 0L, 0L), (never.Balance, never.Stake, never.Nonce));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheLedgerApi()
    {
        var document = await _ledger.Http.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        foreach (var path in new[] { "/v1/transfers", "/v1/faucet", "/v1/ledger/txs", "/v1/ledger/txs/{id}", "/v1/ledger/blocks/{height}", "/v1/ledger/blocks/stream", "/v1/ledger/validators", "/v1/accounts/{did}" })
        {
            Assert.Contains($"\"{path}\"", document, StringComparison.Ordinal);
        }

        Assert.Contains("text/event-stream", document, StringComparison.Ordinal);
    }

    // The faucet, the two parties: all that a transfer between the two may touch.
    private async Task<long> SupplyAsync(Did first, Did second) =>
        (await _ledger.AccountAsync(_ledger.Faucet)).Balance + (await _ledger.AccountAsync(first)).Balance + (await _ledger.AccountAsync(second)).Balance;
}
