using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Ainur.Cli.Tasks;

/// <summary>Human-readable lines for the gateway's task answers (the JSON of its task and transition views).</summary>
internal static class TaskText
{
    /// <summary>One transition on one line: <c>#3 12:00:01.250 assigned -> executing  start by did:key:z6Mk…1a2b3c: detail</c>.</summary>
    public static string Transition(JsonNode transition)
    {
        var text = new StringBuilder($"#{transition["sequence"]} ");
        if (DateTimeOffset.TryParse((string?)transition["at"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            text.Append(at.ToUniversalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append(' ');
        }

        text.Append(transition["from"] is { } from ? $"{from} -> {transition["to"]}" : $"{transition["to"]}");
        text.Append("  ").Append(transition["cause"]);
        if ((string?)transition["actor"] is { } actor)
        {
            text.Append(" by ").Append(Short(actor));
        }

        if ((string?)transition["detail"] is { Length: > 0 } detail)
        {
            text.Append(": ").Append(detail);
        }

        return text.ToString();
    }

    /// <summary>A task in one line: its state and id, then what matters in that state.</summary>
    public static string Task(JsonNode task)
    {
        var state = (string?)task["state"];
        var text = new StringBuilder($"{state}: {task["id"]}");
        switch (state)
        {
            case "settled" or "complete":
                text.Append($": {Short((string?)task["agent"] ?? "?")} paid {task["price"]} of {task["maxPrice"]}");
                break;
            case "failed" or "cancelled" when (string?)task["reason"] is { } reason:
                text.Append(": ").Append(reason);
                break;
            case "verifying":
                text.Append($": result {task["result"]?["outputHash"]}, window ends {task["result"]?["windowEndsAt"]}");
                break;
        }

        return text.ToString();
    }

    /// <summary>A DID shortened for a progress line: its method prefix and last six characters.</summary>
    public static string Short(string did) => did.Length > 24 ? $"{did[..12]}…{did[^6..]}" : did;
}
