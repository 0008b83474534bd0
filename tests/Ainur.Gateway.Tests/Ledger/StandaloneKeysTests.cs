using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Silo.Ledger;
using Ainur.Testing;
using Ainur.Testing.Nodes;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>
/// Standalone nodes sign with keys they generated at their first start: no two nodes share them, a restart keeps them,
/// and the keys that used to be derived from public labels hold nothing and sign nothing.
/// </summary>
public sealed class StandaloneKeysTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoFreshNodes_HaveDifferentValidatorsAndFaucets()
    {
        await using var firstDatabase = await TestDatabase.CreateAsync(Ct);
        await using var secondDatabase = await TestDatabase.CreateAsync(Ct);
        await using var first = await InProcessGateway.StartStandaloneAsync(firstDatabase);
        await using var second = await InProcessGateway.StartStandaloneAsync(secondDatabase);

        var (firstKeys, secondKeys) = (await KeysAsync(first), await KeysAsync(second));

        Assert.Empty(firstKeys.Intersect(secondKeys));
    }

    [Fact]
    public async Task Restart_KeepsTheKeys_InAFileOnlyTheOwnerMayRead_AndTheChainGoesOn()
    {
        await using var database = await TestDatabase.CreateAsync(Ct);
        using var client = AgentKey.Generate();
        List<string> before;
        await using (var node = await InProcessGateway.StartStandaloneAsync(database))
        {
            before = await KeysAsync(node);
            await new LedgerCalls(node).FundAsync(client);
        }

        await using var restarted = await InProcessGateway.StartStandaloneAsync(database);
        var ledger = new LedgerCalls(restarted);
        await ledger.FundAsync(client);

        Assert.Equal(before, await KeysAsync(restarted));
        Assert.Equal(2 * LedgerCalls.Grant, (await ledger.AccountAsync(client.Did)).Balance);
        var file = Path.Combine(NodeSettings.DataDir(database.Name), DevelopmentKeys.FileName);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task KeysOnceDerivedFromPublicLabels_NeitherValidateNorSpendTheFaucet()
    {
        await using var database = await TestDatabase.CreateAsync(Ct);
        await using var node = await InProcessGateway.StartStandaloneAsync(database);
        var ledger = new LedgerCalls(node);
        using var oldFaucet = AgentKey.FromSeed(LabelSeed("faucet"));
        using var thief = AgentKey.Generate();
        var faucetBefore = await ledger.AccountAsync(ledger.Faucet);

        await HttpAssert.ProblemAsync(await ledger.TransferAsync(oldFaucet, thief.Did, 1_000, nonce: 1), HttpStatusCode.UnprocessableEntity, "insufficient-balance");

        Assert.NotEqual(oldFaucet.Did, ledger.Faucet);
        Assert.Equal(0, (await ledger.AccountAsync(thief.Did)).Balance);
        Assert.Equal(faucetBefore.Balance, (await ledger.AccountAsync(ledger.Faucet)).Balance);
        var labelled = Enumerable.Range(0, 4).Select(i => $"validator/{i}").Append("orchestrator").Append("faucet")
            .Select(label => AgentKey.FromSeed(LabelSeed(label)).Did.Value);
        Assert.Empty(labelled.Intersect(await KeysAsync(node)));
    }

    // How development seeds were made before: Blake2b-256 of a label anyone can read in the source.
    private static byte[] LabelSeed(string label) => Blake2b.Content(System.Text.Encoding.UTF8.GetBytes("ainur-dev/" + label)).ToArray();

    // The node's validator DIDs (public, from the API) and its faucet's DID.
    private static async Task<List<string>> KeysAsync(InProcessGateway node)
    {
        var set = await HttpAssert.JsonAsync(await node.Http.GetAsync("/v1/ledger/validators", Ct), HttpStatusCode.OK);
        return [.. set.GetProperty("validators").EnumerateArray().Select(v => v.GetProperty("did").GetString()!).Append(new LedgerCalls(node).Faucet.Value)];
    }
}
