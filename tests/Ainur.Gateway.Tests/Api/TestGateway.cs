using System.Net;
using System.Net.Sockets;
using Ainur.Gateway.Hosting;
using Ainur.Silo.Hosting;
using Ainur.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// A real gateway in this process: Kestrel on a free loopback port, durable on a real PostgreSQL test database.
/// Standalone co-hosts a silo; <see cref="StartClusterAsync"/> runs one silo host and several client gateways.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGateway(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    /// <summary>A standalone node; <paramref name="settings"/> override configuration (rate limits are off unless set).</summary>
    public static Task<TestGateway> StartStandaloneAsync(TestDatabase database, IDictionary<string, string?>? settings = null) =>
        StartAsync(Settings(database, "Standalone", settings));

    /// <summary>One silo host (cluster mode) and <paramref name="gateways"/> gateways that are Orleans clients of it.</summary>
    public static async Task<(IHost Silo, TestGateway[] Gateways)> StartClusterAsync(TestDatabase database, int gateways, IDictionary<string, string?>? settings = null)
    {
        var clusterSettings = Settings(database, "Cluster", settings);
        var siloBuilder = Host.CreateApplicationBuilder();
        siloBuilder.Configuration.AddInMemoryCollection(clusterSettings);
        siloBuilder.UseOrleans(silo => silo.AddAinurSilo(siloBuilder.Configuration));
        var silo = siloBuilder.Build();
        await silo.StartAsync();

        var started = new TestGateway[gateways];
        for (var i = 0; i < gateways; i++)
        {
            started[i] = await StartAsync(clusterSettings);
        }

        return (silo, started);
    }

    private static Dictionary<string, string?> Settings(TestDatabase database, string mode, IDictionary<string, string?>? overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ainur:Mode"] = mode,
            ["Ainur:Storage"] = "Postgres",
            ["Ainur:Postgres:ConnectionString"] = database.ConnectionString,
            ["Ainur:Postgres:MigrateOnStart"] = "false",
            ["Ainur:Cluster:ClusterId"] = database.Name,
            ["Ainur:Cluster:SiloPort"] = FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ainur:Cluster:GatewayPort"] = FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ainur:Gateway:PerIp:PerSecond"] = "0",
            ["Ainur:Gateway:PerDid:PerSecond"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task<TestGateway> StartAsync(Dictionary<string, string?> settings)
    {
        var app = await GatewayApp.BuildAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await app.StartAsync();
        return new TestGateway(app, new Uri(app.Urls.First()));
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
