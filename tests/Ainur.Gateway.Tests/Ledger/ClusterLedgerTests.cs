using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.Hosting;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>
/// The ledger API through a gateway that is an Orleans client of a cluster silo: everything crosses the wire, and
/// there is no faucet (cluster mode has no faucet key); credits come from a genesis allocation instead.
/// </summary>
public sealed class ClusterLedgerTests : IAsyncLifetime
{
    private const long Allocation = 5_000;
    private TestDatabase? _database;
    private IHost? _silo;
    private InProcessGateway? _gateway;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(TestContext.Current.CancellationToken);
        using var holder = LedgerSecrets.Account(_database.Name, "holder");
        (_silo, var gateways) = await InProcessGateway.StartClusterAsync(_database, gateways: 1, new Dictionary<string, string?>
        {
            ["Ainur:Ledger:Allocations:0:Account"] = holder.Did.Value,
            ["Ainur:Ledger:Allocations:0:Amount"] = Allocation.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _gateway = gateways[0];
    }

    [Fact]
    public async Task Faucet_InClusterMode_Is404FaucetDisabled()
    {
        using var alice = AgentKey.Generate();
        var ledger = new LedgerCalls(_gateway!);

        await HttpAssert.ProblemAsync(await ledger.PostAsync(alice, "/v1/faucet", "{}"), HttpStatusCode.NotFound, "faucet-disabled");

        Assert.Equal(0, (await ledger.AccountAsync(alice.Did)).Balance);
    }

    [Fact]
    public async Task Transfer_FromAGenesisAllocation_IsFinalWithAProof()
    {
        using var holder = LedgerSecrets.Account(_database!.Name, "holder");
        using var bob = AgentKey.Generate();
        var ledger = new LedgerCalls(_gateway!);
        var chainId = LedgerSecrets.For(_database.Name).ChainId;

        var paid = await HttpAssert.JsonAsync(
            await ledger.PostAsync(holder, "/v1/transfers", LedgerCalls.TransferBody(holder, bob.Did, 70, 1, chainId)), HttpStatusCode.OK);

        Assert.Equal("final", paid.GetProperty("status").GetString());
        Assert.Equal(chainId, paid.GetProperty("proofParts").GetProperty("header").GetProperty("chainId").GetString());
        var sent = await ledger.AccountAsync(holder.Did);
        Assert.Equal((Allocation - 70, 1L), (sent.Balance, sent.Nonce));
        Assert.Equal(70, (await ledger.AccountAsync(bob.Did)).Balance);
        var validators = await HttpAssert.JsonAsync(await ledger.GetAsync("/v1/ledger/validators"), HttpStatusCode.OK);
        Assert.Equal(chainId, validators.GetProperty("chainId").GetString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
