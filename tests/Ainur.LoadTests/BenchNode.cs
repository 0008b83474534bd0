using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ainur.Gateway.Hosting;
using Ainur.Silo.Hosting;
using Ainur.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Ainur.LoadTests;

/// <summary>Nodes under test: configured like the gateway tests' standalone node, on a throwaway database.</summary>
internal static class BenchNode
{
    /// <summary>Standalone gateway (co-hosted silo) with Kestrel on a free loopback port.</summary>
    public static async Task<(WebApplication App, Uri Address)> StartGatewayAsync(TestDatabase database)
    {
        var app = await GatewayApp.BuildAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(Settings(database));
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await app.StartAsync();
        return (app, new Uri(app.Urls.First()));
    }

    /// <summary>A bare standalone silo (<c>AddAinurSilo</c>), no HTTP: grain calls go through its co-hosted client.</summary>
    public static async Task<IHost> StartSiloAsync(TestDatabase database)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings(database));
        builder.UseOrleans(silo => silo.AddAinurSilo(builder.Configuration));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }

    private static Dictionary<string, string?> Settings(TestDatabase database) => new()
    {
        ["Ainur:Mode"] = "Standalone",
        ["Ainur:Storage"] = "Postgres",
        ["Ainur:Postgres:ConnectionString"] = database.ConnectionString,
        ["Ainur:Postgres:MigrateOnStart"] = "false",
        ["Ainur:Cluster:ClusterId"] = database.Name,
        ["Ainur:Cluster:SiloPort"] = FreeTcpPort(),
        ["Ainur:Cluster:GatewayPort"] = FreeTcpPort(),
        ["Ainur:Gateway:PerIp:PerSecond"] = "0",
        ["Ainur:Gateway:PerDid:PerSecond"] = "0",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private static string FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
