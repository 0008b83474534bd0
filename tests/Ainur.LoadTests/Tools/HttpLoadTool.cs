using Ainur.Protocol.Identity;

namespace Ainur.LoadTests.Tools;

/// <summary>
/// <c>http-load</c>: signed HTTP requests, as real clients send them, against a gateway (<c>--target</c>, default
/// http://127.0.0.1:5080), scenario after scenario, printing progress each second and writing a results file.
/// </summary>
internal static class HttpLoadTool
{
    public static readonly string[] Known = ["register", "transfers", "tasks"];

    public static async Task<int> RunAsync(ToolOptions options)
    {
        var scenarios = options.Scenarios(Known);
        var target = new Uri(options.String("--target") ?? "http://127.0.0.1:5080");
        var concurrency = options.Int("--concurrency", 32);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 4 * concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = target, Timeout = TimeSpan.FromMinutes(2) };
        Console.WriteLine($"http-load: {target}; scenarios {string.Join(", ", scenarios)}");

        using var funder = options.String("--funder-key") is { } path ? KeyFile.Open(await File.ReadAllTextAsync(path), Environment.GetEnvironmentVariable("AINUR_FUNDER_PASSPHRASE")) : null;
        var ledger = await HttpLedger.ConnectAsync(http, funder);
        var results = new List<ScenarioResult>();
        foreach (var name in scenarios)
        {
            await using ILoadScenario scenario = name switch
            {
                "register" => new HttpRegisterScenario(ledger),
                "transfers" => new HttpTransferScenario(ledger),
                _ => new HttpTaskScenario(ledger, options.Int("--agents", 4)),
            };
            results.Add(await ToolRun.RunScenarioAsync(scenario, options));
        }

        return await ToolRun.FinishAsync(options, "http-load", target.ToString(), options.String("--silos") is { } silos ? int.Parse(silos, System.Globalization.CultureInfo.InvariantCulture) : null, results);
    }
}
