using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Tasks;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Http;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Observability;

/// <summary>
/// A standalone node process that has done a little of everything (a registration, a refused signature, a ledger
/// transfer, a task settled, an attempt requeued), and its /metrics as scraped afterwards.
/// </summary>
public sealed class ScrapedNodeFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private GatewayProcess? _node;

    /// <summary>The node's Prometheus text after the work.</summary>
    public string Scrape { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _database = await TestDatabase.CreateAsync(ct);
        _node = await GatewayProcess.StartStandaloneAsync(_database, _database.Name, cancellationToken: ct);

        using var unsigned = RequestSigner.SignedPost(AgentKey.Generate(), _node.Address, "/v1/agents", "{}");
        unsigned.Headers.Remove("Signature");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _node.Http.SendAsync(unsigned, ct)).StatusCode);

        var tasks = new TaskClient(_node);
        using var payee = AgentKey.Generate();
        var payer = await tasks.ClientAsync();
        await HttpAssert.JsonAsync(await tasks.Ledger.TransferAsync(payer, payee.Did, 5, nonce: 1), HttpStatusCode.OK);

        var (draft, _, _) = await tasks.VerifyingAsync();
        await HttpAssert.JsonAsync(await tasks.PostAsync(draft.Client, $"/v1/tasks/{draft.Id}/accept", ""), HttpStatusCode.OK);
        await tasks.WaitForStateAsync(draft.Id, "settled");

        await tasks.GivenUpOnceAsync();
        Scrape = await tasks.MetricsWithAsync("ainur_ledger_block_rounds_count", "ainur_tasks_settle_seconds_count", "ainur_tasks_requeues_total");
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
