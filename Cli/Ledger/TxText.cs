using System.Text;
using System.Text.Json.Nodes;

namespace Ainur.Cli.Ledger;

/// <summary>Human-readable lines for the gateway's ledger answers (the JSON of its transaction and account views).</summary>
internal static class TxText
{
    /// <summary>A transaction status: <c>final: ID at height H, position P</c>, <c>pending: …</c> or <c>rejected: …</c>, then its fields.</summary>
    public static string Status(JsonNode view)
    {
        var id = (string?)view["id"];
        var text = new StringBuilder();
        switch ((string?)view["status"])
        {
            case "final":
                text.Append($"final: {id} at height {view["height"]}, position {view["position"]}");
                break;
            case "rejected":
                text.Append($"rejected: {id}: {view["rejection"]?["code"]}: {view["rejection"]?["message"]}");
                break;
            default:
                text.Append($"{view["status"]}: {id} (follow it with: ainur tx show {id})");
                break;
        }

        if (view["transaction"] is JsonObject transaction)
        {
            text.Append($"\n  kind    {transaction["kind"]}");
            AppendFields(text, transaction["fields"] as JsonObject);
        }

        return text.ToString();
    }

    /// <summary>Appends <c>name value</c> lines, one per field.</summary>
    public static void AppendFields(StringBuilder text, JsonObject? fields)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (name, value) in fields ?? new JsonObject())
        {
            text.Append($"\n  {name,-7} {(value is JsonArray array ? $"{array.Count} items" : value)}");
        }
    }

    /// <summary>An account: balance, stake, unbonding total, nonce, and the height they hold at.</summary>
    public static string Account(JsonNode view)
    {
        var unbonding = (view["unbonding"] as JsonArray ?? new JsonArray()).Sum(u => (long?)u?["amount"] ?? 0);
        return $"{view["did"]}\n  balance   {view["balance"]}\n  stake     {view["stake"]}\n  unbonding {unbonding}\n  nonce     {view["nonce"]}\n  at height {view["height"]}";
    }
}
