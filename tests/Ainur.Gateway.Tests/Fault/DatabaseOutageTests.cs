using System.Diagnostics;
using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Fault;

/// <summary>
/// A cluster-mode gateway and its silo while their PostgreSQL server is stopped: requests are answered 503 problem+json
/// (retry shortly), never 500, and succeed again once the server is back. The gateway is an Orleans client, so what a
/// grain throws crosses the wire: a database driver's exception must arrive as something the gateway can classify
/// (the fault suite's PostgreSQL restart found 500s: Orleans could not serialize Npgsql's exceptions).
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class DatabaseOutageTests
{
    [Fact(Timeout = 120_000)]
    public async Task RequestsWhileTheDatabaseIsDown_Get503ProblemJson_AndSucceedOnceItIsBack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresInstance.LaunchAsync(ct);
        await using var db = await TestDatabase.CreateAsync(postgres.AdminConnectionString, ct);
        var (silo, gateways) = await InProcessGateway.StartClusterAsync(db, 1);
        try
        {
            using var client = new SignedClient(gateways[0].Address, TimeSpan.FromSeconds(30));
            using (var before = await RegisterAsync(client, ct))
            {
                Assert.Equal(HttpStatusCode.Created, before.StatusCode);
            }

            await postgres.StopAsync(ct);
            for (var i = 0; i < 3; i++)
            {
                using var down = await RegisterAsync(client, ct);
                await HttpAssert.ProblemAsync(down, HttpStatusCode.ServiceUnavailable, "unavailable");
                Assert.Equal("1", down.Headers.RetryAfter?.ToString());
            }

            await postgres.StartAsync(ct);
            var back = Stopwatch.StartNew();
            HttpStatusCode status;
            while ((status = (await RegisterAsync(client, ct)).StatusCode) != HttpStatusCode.Created)
            {
                Assert.True(status == HttpStatusCode.ServiceUnavailable && back.Elapsed < TimeSpan.FromSeconds(30), $"{status} {back.Elapsed.TotalSeconds:F1} s after the restart");
                await Task.Delay(250, ct);
            }
        }
        finally
        {
            // A silo stops cleanly only with its database there (it writes its own death in the membership table).
            await postgres.StartAsync(CancellationToken.None);
            foreach (var gateway in gateways)
            {
                await gateway.DisposeAsync();
            }

            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await silo.StopAsync(stopping.Token);
            silo.Dispose();
        }
    }

    private static Task<HttpResponseMessage> RegisterAsync(SignedClient client, CancellationToken ct)
    {
        using var key = AgentKey.Generate();
        return client.RegisterAsync(key, SignedClient.EchoManifestJson(), ct);
    }
}
