using Ainur.Gateway.Hosting;
using Ainur.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Ainur.Testing.Nodes;

/// <summary>
/// A real gateway in this process, built exactly as the node's Program builds it: Kestrel on a free loopback port,
/// durable on a real PostgreSQL test database. <see cref="StartClusterAsync"/> runs one silo host and client gateways.
/// </summary>
public sealed class InProcessGateway : IGatewayEndpoint, IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessGateway(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    /// <inheritdoc/>
    public Uri Address { get; }

    /// <inheritdoc/>
    public HttpClient Http { get; }

    /// <summary>The gateway's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>A standalone node (co-hosted silo); <paramref name="overrides"/> change settings (e.g. rate limits).</summary>
    public static Task<InProcessGateway> StartStandaloneAsync(TestDatabase database, IDictionary<string, string?>? overrides = null) =>
        StartAsync(NodeSettings.Standalone(database.ConnectionString, database.Name).With(overrides));

    /// <summary>One silo host in cluster mode and <paramref name="gateways"/> gateways that are Orleans clients of it.</summary>
    public static async Task<(IHost Silo, InProcessGateway[] Gateways)> StartClusterAsync(
        TestDatabase database, int gateways, IDictionary<string, string?>? overrides = null)
    {
        var silo = await StartSiloAsync(NodeSettings.ClusterSilo(database.ConnectionString, database.Name).With(overrides));
        var clientSettings = NodeSettings.ClusterGateway(database.ConnectionString, database.Name).With(overrides);
        var started = new InProcessGateway[gateways];
        for (var i = 0; i < gateways; i++)
        {
            started[i] = await StartAsync(clientSettings);
        }

        return (silo, started);
    }

    /// <summary>A bare silo host (no HTTP) configured with <paramref name="settings"/>, then by <paramref name="configure"/>.</summary>
    public static async Task<IHost> StartSiloAsync(IDictionary<string, string?> settings, Action<ISiloBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo =>
        {
            // Not configure?.Invoke(silo.AddAinurSilo(…)): a null delegate would skip evaluating the argument too.
            silo.AddAinurSilo(builder.Configuration);
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<InProcessGateway> StartAsync(IDictionary<string, string?> settings)
    {
        var app = await GatewayApp.BuildAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await app.StartAsync();
        return new InProcessGateway(app, new Uri(app.Urls.First()));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
