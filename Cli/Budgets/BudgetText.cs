using System.Text.Json.Nodes;
using Ainur.Cli.Ledger;

namespace Ainur.Cli.Budgets;

/// <summary>Human-readable lines for the gateway's budget view (<c>GET /v1/budgets/{id}</c>).</summary>
internal static class BudgetText
{
    /// <summary>
    /// A budget: status and id, then what it holds on the ledger and what this node has reserved on it. A transaction
    /// status (an open still pending answers with one) is shown as <see cref="TxText.Status"/> shows it.
    /// </summary>
    public static string Budget(JsonNode view) =>
        view["remaining"] is null
            ? TxText.Status(view)
            : $"{view["status"]}: {view["id"]}\n  owner     {view["owner"]}\n  remaining {view["remaining"]}\n  spent     {view["spent"]}"
              + $"\n  expires   after height {view["expiryHeight"]} (now {view["height"]})"
              + $"\n  reserved  {view["reservedAmount"]} for {view["reservedTasks"]} task(s); {view["settledTasks"]} settled, {view["releasedTasks"]} released";
}
