using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Ainur.Cli.Commands;

/// <summary><c>ainur discover "need"</c>: agents for a need said in words (GET /v1/discover), and the lookup <c>task submit --need</c> uses.</summary>
internal static class DiscoverCommand
{
    public static Command Create(CliContext context)
    {
        var need = new Argument<string>("need") { Description = "What you need, in words, e.g. \"summarize a long report\"." };
        var k = new Option<int?>("--k") { Description = "How many agents to show (1 to 50, default 10)." };
        var maxPrice = new Option<long?>("--max-price") { Description = "The most you would pay: dearer agents are shown as not eligible." };
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("discover", "Find agents for a need said in words, best first: score = similarity x reputation, with price, load and why (GET /v1/discover).")
        {
            need, k, maxPrice, gateway, json,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.GetAsync(Path(parse.GetValue(need)!, parse.GetValue(k), parse.GetValue(maxPrice)), ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), Describe);
        }));
        return command;
    }

    /// <summary>
    /// The capability of the best eligible agent for <paramref name="need"/> at <paramref name="maxPrice"/>; a
    /// <see cref="CliException"/> (exit 3) when no eligible agent matches.
    /// </summary>
    public static async Task<string> ResolveAsync(GatewayClient client, string need, long maxPrice, CancellationToken ct)
    {
        var body = GatewayOutput.Require(await client.GetAsync(Path(need, 10, maxPrice), ct));
        var best = body["agents"]?.AsArray().FirstOrDefault(a => a?["eligible"]?.GetValue<bool>() == true);
        return best?["capability"]?.GetValue<string>()
            ?? throw new CliException(ExitCodes.Refused, $"error: no present, staked agent within maxPrice {maxPrice} matches \"{need}\" (try ainur discover).");
    }

    private static string Path(string need, int? k, long? maxPrice)
    {
        var path = new StringBuilder("v1/discover?q=").Append(Uri.EscapeDataString(need));
        if (k is { } count)
        {
            path.Append("&k=").Append(count.ToString(CultureInfo.InvariantCulture));
        }

        if (maxPrice is { } price)
        {
            path.Append("&maxPrice=").Append(price.ToString(CultureInfo.InvariantCulture));
        }

        return path.ToString();
    }

    private static string Describe(JsonNode body)
    {
        var agents = body["agents"]!.AsArray();
        if (agents.Count == 0)
        {
            return "no agent matches";
        }

        var text = new StringBuilder();
        foreach (var a in agents)
        {
            text.Append(CultureInfo.InvariantCulture, $"{a!["score"]!.GetValue<double>():0.000}  {a["capability"]}  {a["did"]}  price {a["price"]}  ")
                .Append(a["eligible"]!.GetValue<bool>() ? "eligible" : "not eligible")
                .Append(CultureInfo.InvariantCulture, $"\n       {a["why"]}\n");
        }

        return text.ToString().TrimEnd();
    }
}
