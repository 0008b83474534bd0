using System.Globalization;
using System.Text.Json.Nodes;
using Ainur.Gateway.Tests.Api;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>The README's ledger tour with the CLI, against a real node over real HTTP.</summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class LedgerCliTests(StandaloneGatewayFixture fixture) : IDisposable
{
    private readonly CliRun _cli = new(fixture.Gateway.Address);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Tour_FaucetBalanceTransferShowVerify_Works()
    {
        var me = await NewKeyAsync();
        var bobKey = _cli.File("bob.json");
        var bob = await NewKeyAsync("--out", bobKey);

        var granted = await JsonAsync("faucet", "--json");
        Assert.Equal("final", (string?)granted["status"]);
        Assert.Equal(LedgerCalls.Grant, (long?)(await JsonAsync("balance", "--json"))["balance"]);

        var first = await JsonAsync("transfer", "--to", bob, "--amount", "30", "--json");
        var second = await JsonAsync("transfer", "--to", bob, "--amount", "12", "--json");
        Assert.Equal(1, (long?)first["transaction"]!["fields"]!["nonce"]);
        Assert.Equal(2, (long?)second["transaction"]!["fields"]!["nonce"]);
        Assert.Equal(42, (long?)(await JsonAsync("balance", bob, "--json"))["balance"]);
        var mine = await JsonAsync("balance", me, "--json");
        Assert.Equal((LedgerCalls.Grant - 42, 2L), ((long?)mine["balance"], (long?)mine["nonce"]));

        var id = (string)second["id"]!;
        var (code, output, _) = await _cli.RunAsync("tx", "show", id, "--proof-out", _cli.File("p.proof"));
        Assert.Equal(0, code);
        Assert.StartsWith($"final: {id} at height {second["height"]}", output, StringComparison.Ordinal);
        Assert.Equal(0, (await _cli.RunAsync("ledger", "validators", "--out", _cli.File("v.json"))).Code);
        (code, output, _) = await _cli.RunAsync("verify", _cli.File("p.proof"), "--validators", _cli.File("v.json"));
        Assert.Equal(0, code);
        Assert.StartsWith($"valid: transfer {id} is final at height {second["height"]} of chain {LedgerCalls.ChainId}", output, StringComparison.Ordinal);
        Assert.Contains($"amount  12", output, StringComparison.Ordinal);
        Assert.Contains($"to      {bob}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transfer_Refused_ExitCode3_AndNothingMoves()
    {
        var me = await NewKeyAsync();
        var bob = await NewKeyAsync("--out", _cli.File("bob.json"));
        await JsonAsync("faucet", "--json");

        var tooMuch = await _cli.RunAsync("transfer", "--to", bob, "--amount", (LedgerCalls.Grant + 1).ToString(CultureInfo.InvariantCulture), "--json");
        var staleNonce = await _cli.RunAsync("transfer", "--to", bob, "--amount", "1", "--nonce", "0");

        Assert.Equal(3, tooMuch.Code);
        Assert.Equal("insufficient-balance", (string?)JsonNode.Parse(tooMuch.Error)!["code"]);
        Assert.Equal(3, staleNonce.Code);
        Assert.StartsWith("error: The ledger rejected the transaction", staleNonce.Error, StringComparison.Ordinal);
        Assert.Equal(LedgerCalls.Grant, (long?)(await JsonAsync("balance", me, "--json"))["balance"]);
        Assert.Equal(0, (long?)(await JsonAsync("balance", bob, "--json"))["balance"]);
    }

    [Fact]
    public async Task StakeThenUnstake_ShowsStakeAndUnbonding_AndTooMuchIsRefused()
    {
        var me = await NewKeyAsync();
        await JsonAsync("faucet", "--json");

        var staked = await JsonAsync("stake", "300", "--json");
        var unstaked = await JsonAsync("unstake", "120", "--json");
        var tooMuch = await _cli.RunAsync("unstake", "1000");

        Assert.Equal(("final", "stake", 1L), ((string?)staked["status"], (string?)staked["transaction"]!["kind"], (long?)staked["transaction"]!["fields"]!["nonce"]));
        Assert.Equal(("final", "unstake", 2L), ((string?)unstaked["status"], (string?)unstaked["transaction"]!["kind"], (long?)unstaked["transaction"]!["fields"]!["nonce"]));
        Assert.Equal(3, tooMuch.Code);
        Assert.StartsWith("error: The ledger rejected the transaction", tooMuch.Error, StringComparison.Ordinal);
        var account = await JsonAsync("balance", me, "--json");
        Assert.Equal((LedgerCalls.Grant - 300, 180L), ((long?)account["balance"], (long?)account["stake"]));
        Assert.Equal(120, (long?)account["unbonding"]![0]!["amount"]);
        var (code, output, _) = await _cli.RunAsync("balance");
        Assert.Equal(0, code);
        Assert.Contains("unbonding 120", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TxShow_UnknownOrMalformedId_FailsWithoutProof()
    {
        var unknown = await _cli.RunAsync("tx", "show", new string('b', 64), "--proof-out", _cli.File("none.proof"));
        var malformed = await _cli.RunAsync("tx", "show", "xyz");

        Assert.Equal(3, unknown.Code);
        Assert.False(File.Exists(_cli.File("none.proof")));
        Assert.Equal(2, malformed.Code);
    }

    [Fact]
    public async Task Verify_UnreadableOrForeignFiles_FailWithReasons()
    {
        await File.WriteAllTextAsync(_cli.File("garbage.proof"), "not a proof", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(_cli.File("v.json"), "{\"chainId\":\"x\",\"validators\":[]}", TestContext.Current.CancellationToken);
        Assert.Equal(0, (await _cli.RunAsync("ledger", "validators", "--out", _cli.File("real.json"))).Code);

        var garbage = await _cli.RunAsync("verify", _cli.File("garbage.proof"), "--validators", _cli.File("real.json"));
        var emptySet = await _cli.RunAsync("verify", _cli.File("garbage.proof"), "--validators", _cli.File("v.json"));
        var missing = await _cli.RunAsync("verify", _cli.File("missing.proof"), "--validators", _cli.File("real.json"));

        Assert.Equal(5, garbage.Code);
        Assert.StartsWith("invalid: not a readable payment proof", garbage.Error, StringComparison.Ordinal);
        Assert.Equal(2, emptySet.Code);
        Assert.Equal(2, missing.Code);
    }

    private async Task<string> NewKeyAsync(params string[] extra)
    {
        var (code, output, error) = await _cli.RunAsync(["keys", "new", "--json", .. extra]);
        Assert.True(code == 0, error);
        return (string)JsonNode.Parse(output)!["did"]!;
    }

    private async Task<JsonNode> JsonAsync(params string[] args)
    {
        var (code, output, error) = await _cli.RunAsync(args);
        Assert.True(code == 0, $"ainur {string.Join(' ', args)}: exit {code}: {error}");
        return JsonNode.Parse(output)!;
    }
}
