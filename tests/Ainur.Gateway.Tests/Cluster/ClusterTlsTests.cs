using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Silo.Hosting;
using Ainur.Testing.Nodes;
using Ainur.Testing.Processes;
using Ainur.Testing.Tls;

namespace Ainur.Gateway.Tests.Cluster;

/// <summary>
/// Cluster TLS on loopback, with certificates the test makes: two TLS silo processes form a cluster and a gateway pays
/// through them; their ports speak only mutual TLS with a certificate of the cluster's authority; a silo without a
/// usable certificate (none, expired, or of another authority) does not join.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class ClusterTlsTests(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    private static readonly TimeSpan JoinWindow = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 120_000)]
    public async Task TwoTlsSilos_FormACluster_AndAGatewayPaysThroughThem()
    {
        var ct = TestContext.Current.CancellationToken;
        using var holder = LedgerSecrets.Account(fixture.ClusterId, TlsClusterFixture.Holder);
        using var bob = AgentKey.Generate();
        using var http = new HttpClient { BaseAddress = fixture.Cluster.BaseAddress };
        var ledger = new LedgerCalls(new Endpoint(fixture.Cluster.BaseAddress, http));
        var before = await ledger.AccountAsync(holder.Did);

        var paid = await HttpAssert.JsonAsync(
            await ledger.PostAsync(holder, "/v1/transfers",
                LedgerCalls.TransferBody(holder, bob.Did, 70, before.Nonce + 1, LedgerSecrets.For(fixture.ClusterId).ChainId)),
            HttpStatusCode.OK);

        Assert.Equal("final", paid.GetProperty("status").GetString());
        Assert.Equal(before.Balance - 70, (await ledger.AccountAsync(holder.Did)).Balance);
        Assert.Equal(70, (await ledger.AccountAsync(bob.Did)).Balance);
        Assert.Equal(2, await ClusterMembership.CountActiveAsync(fixture.Database.ConnectionString, fixture.ClusterId, ct));
        // Placement settles after the second silo joins: wait (bounded) until the validators run on both, then the
        // finality of the next payment needs votes that cross between the two silos over TLS.
        var silos = 0;
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(30); silos < 2 && DateTimeOffset.UtcNow < deadline; await Task.Delay(200, ct))
        {
            var validators = await HttpAssert.JsonAsync(await ledger.GetAsync("/v1/ledger/validators"), HttpStatusCode.OK);
            silos = validators.GetProperty("validators").EnumerateArray().Select(v => v.GetProperty("silo").GetString()).Distinct().Count();
        }

        Assert.Equal(2, silos);
        var again = await HttpAssert.JsonAsync(
            await ledger.PostAsync(holder, "/v1/transfers",
                LedgerCalls.TransferBody(holder, bob.Did, 5, before.Nonce + 2, LedgerSecrets.For(fixture.ClusterId).ChainId)),
            HttpStatusCode.OK);
        Assert.Equal("final", again.GetProperty("status").GetString());
        Assert.Equal(75, (await ledger.AccountAsync(bob.Did)).Balance);
        foreach (var silo in fixture.Cluster.Silos)
        {
            Assert.Contains("Cluster TLS on: this process shows CN=ainur-test-node", silo.Tail(400), StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task SiloAndGatewayPorts_AcceptOnlyACertificateOfTheClustersAuthority()
    {
        var ct = TestContext.Current.CancellationToken;
        var ports = await ClusterMembership.ActivePortsAsync(fixture.Database.ConnectionString, fixture.ClusterId, ct);
        using var member = TestAuthority.Cluster.Issue("probe");
        using var other = TestAuthority.Create("another-ca");
        using var intruder = other.Issue("intruder");
        var now = DateTimeOffset.UtcNow;
        using var expired = TestAuthority.Cluster.Issue("expired", now.AddMinutes(-50), now.AddMinutes(-10));

        foreach (var port in ports.SelectMany(p => new[] { p.SiloPort, p.GatewayPort }))
        {
            var (accepted, server) = await HandshakeAsync(port, member, ct);
            Assert.True(accepted, $"port {port} refused a certificate of the cluster's authority");
            Assert.Equal(TestAuthority.Cluster.Certificate.Subject, server!.Issuer);
            Assert.False((await HandshakeAsync(port, null, ct)).Accepted, $"port {port} accepted a client without a certificate");
            Assert.False((await HandshakeAsync(port, intruder, ct)).Accepted, $"port {port} accepted a certificate of another authority");
            Assert.False((await HandshakeAsync(port, expired, ct)).Accepted, $"port {port} accepted an expired certificate");
        }

        var logs = string.Join('\n', fixture.Cluster.Silos.Select(s => s.Tail(400)));
        Assert.Contains("refused a peer's certificate CN=intruder", logs, StringComparison.Ordinal);
        Assert.Contains("refused a peer's certificate CN=expired", logs, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task SiloWithoutCertificate_RefusesToStart_SayingWhichSettingsToSet()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = SiloSettings();
        settings.Remove("Ainur:Cluster:Tls:Directory");

        var output = await RefusedStartAsync(settings, ct);

        Assert.Contains("Ainur:Cluster:Tls:Directory", output, StringComparison.Ordinal);
        Assert.Contains("Ainur:Cluster:Tls:Certificate", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task SiloWithAnExpiredCertificate_RefusesToStart()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        using var expired = TestAuthority.Cluster.Issue("expired-silo", now.AddMinutes(-50), now.AddMinutes(-10));
        var settings = SiloSettings();
        settings["Ainur:Cluster:Tls:Directory"] = TestAuthority.Cluster.WriteSecret(expired);

        var output = await RefusedStartAsync(settings, ct);

        Assert.Contains("CN=expired-silo) cannot join the cluster: it is valid from", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task SiloOfAnotherAuthority_CannotJoin_AndIsRefusedByTheMembers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var other = TestAuthority.Create("another-ca");
        using var intruder = other.Issue("intruder-silo");
        var settings = SiloSettings();
        settings["Ainur:Cluster:Tls:Directory"] = other.WriteSecret(intruder);
        await using var silo = NodeProcess.StartSilo(settings.AsEnvironment());

        // It starts (its own files are consistent) but cannot reach a member: it gives up joining and stops.
        var exit = await silo.WaitForExitAsync(JoinWindow, ct);

        Assert.True(exit is not null and not 0, $"the silo of another authority still runs (or exited 0) after {JoinWindow.TotalSeconds:F0} s:\n{silo.Tail()}");
        Assert.Equal(2, await ClusterMembership.CountActiveAsync(fixture.Database.ConnectionString, fixture.ClusterId, ct));
        var logs = string.Join('\n', fixture.Cluster.Silos.Select(s => s.Tail(400)));
        Assert.Contains("refused a peer's certificate CN=intruder-silo", logs, StringComparison.Ordinal);
        Assert.Contains("refused a peer's certificate CN=ainur-test-node", silo.Tail(400), StringComparison.Ordinal);
    }

    // A third silo of the fixture's cluster on ports of its own.
    private Dictionary<string, string?> SiloSettings() =>
        NodeSettings.ClusterSilo(fixture.Database.ConnectionString, fixture.ClusterId).With(fixture.SiloOverrides());

    private static async Task<string> RefusedStartAsync(Dictionary<string, string?> settings, CancellationToken ct)
    {
        await using var silo = NodeProcess.StartSilo(settings.AsEnvironment());
        var exit = await silo.WaitForExitAsync(JoinWindow, ct);
        var output = silo.Tail(200);
        Assert.True(exit == StartupRefusal.ExitCode, $"expected exit code {StartupRefusal.ExitCode}, got {exit?.ToString() ?? "still running"}:\n{output}");
        Assert.Contains("Ainur silo refused to start; fix its configuration:", output, StringComparison.Ordinal);
        return output;
    }

    // A TLS handshake with a silo's port as a peer would make it, presenting `client`. Under TLS 1.3 the server judges the
    // client's certificate after the client's side of the handshake is done, so a refusal may show only as the
    // connection closing: the port accepted if it is still open a moment later.
    private static async Task<(bool Accepted, X509Certificate2? Server)> HandshakeAsync(int port, X509Certificate2? client, CancellationToken ct)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, ct);
        X509Certificate2? server = null;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            server = certificate is null ? null : new X509Certificate2(certificate);
            return server is not null; // judged by the test: its issuer is asserted
        });
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = client is null ? null : [client],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }, ct);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromSeconds(2));
            var read = await tls.ReadAsync(new byte[1], wait.Token);
            return (read > 0, server);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (true, server);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return (false, server);
        }
    }

    private sealed record Endpoint(Uri Address, HttpClient Http) : IGatewayEndpoint;
}
