using Ainur.Protocol.Identity;
using Ainur.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ainur.LoadTests.Tools;

/// <summary>
/// <c>grain-load</c>: an Orleans client of a running node or cluster that calls grains directly, scenario after
/// scenario, printing progress each second and writing a results file. It connects as a gateway would: to a standalone
/// node's silo gateway port (<c>--gateway-port</c>, default 30000), or with <c>--postgres</c> (or
/// <c>Ainur__Mode=Cluster</c> and <c>Ainur__Postgres__ConnectionString</c>) through a cluster's membership table.
/// </summary>
internal static class GrainLoadTool
{
    public static readonly string[] Known = ["register", "transfers", "tasks"];

    public static async Task<int> RunAsync(ToolOptions options)
    {
        var scenarios = options.Scenarios(Known);
        var ainur = Options(options);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            if (ainur.Mode == AinurMode.Cluster)
            {
                client.AddAinurClient(ainur);
            }
            else
            {
                client.UseLocalhostClustering(ainur.Cluster.GatewayPort, ainur.Cluster.ServiceId, ainur.Cluster.ClusterId);
            }
        });
        using var host = builder.Build();
        await host.StartAsync();
        var cluster = host.Services.GetRequiredService<IClusterClient>();
        var silos = (await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;
        var target = ainur.Mode == AinurMode.Cluster ? $"cluster {ainur.Cluster.ClusterId} (membership in PostgreSQL)" : $"standalone node, silo gateway 127.0.0.1:{ainur.Cluster.GatewayPort}";
        Console.WriteLine($"grain-load: {target}, {silos} active silo(s); scenarios {string.Join(", ", scenarios)}");

        using var funder = options.String("--funder-key") is { } path ? KeyFile.Open(await File.ReadAllTextAsync(path), Environment.GetEnvironmentVariable("AINUR_FUNDER_PASSPHRASE")) : null;
        var ledger = await GrainLedger.ConnectAsync(cluster, funder);
        var results = new List<ScenarioResult>();
        foreach (var name in scenarios)
        {
            await using ILoadScenario scenario = name switch
            {
                "register" => new GrainRegisterScenario(cluster),
                "transfers" => new GrainTransferScenario(ledger),
                _ => new GrainTaskScenario(cluster, ledger, options.Int("--agents", 4)),
            };
            results.Add(await ToolRun.RunScenarioAsync(scenario, options));
        }

        await host.StopAsync();
        return await ToolRun.FinishAsync(options, "grain-load", target, silos, results);
    }

    /// <summary>The <c>Ainur</c> section from the environment (as the node reads it), with the tool's flags over it.</summary>
    private static AinurOptions Options(ToolOptions options)
    {
        var flags = new Dictionary<string, string?>();
        if (options.String("--postgres") is { } postgres)
        {
            flags["Ainur:Mode"] = "Cluster";
            flags["Ainur:Postgres:ConnectionString"] = postgres;
        }

        foreach (var (flag, key) in new[] { ("--gateway-port", "GatewayPort"), ("--cluster-id", "ClusterId"), ("--service-id", "ServiceId") })
        {
            if (options.String(flag) is { } value)
            {
                flags[$"Ainur:Cluster:{key}"] = value;
            }
        }

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(flags).Build();
        var ainur = new AinurOptions();
        configuration.GetSection(AinurOptions.Section).Bind(ainur);
        return ainur;
    }
}
