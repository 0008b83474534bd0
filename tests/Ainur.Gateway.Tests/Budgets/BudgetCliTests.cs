using System.Text.Json.Nodes;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Gateway.Tests.Tasks;
using Ainur.Protocol.Hashing;

namespace Ainur.Gateway.Tests.Budgets;

/// <summary>
/// <c>ainur budget open|top-up|close|show</c> and <c>ainur task submit --budget</c> in process against a real node: the
/// CLI signs the budget's transactions and the task's voucher with the key file.
/// </summary>
[Collection(TaskNodeCollection.Name)]
public sealed class BudgetCliTests(TaskNodeFixture fixture) : IDisposable
{
    private const string Input = """{"text":"paid from a budget"}""";

    private readonly TaskClient _tasks = new(fixture.Gateway);
    private readonly CliRun _cli = new(fixture.Gateway.Address);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Budget_OpenTopUpShowClose_AndATaskReservesOnIt()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var owner = _cli.KeyFileOf(await _tasks.ClientAsync());

        var opened = await JsonAsync("budget", "open", "300", "--key", owner, "--json");
        var id = (string)opened["id"]!;
        Assert.Equal((300L, "open"), ((long?)opened["remaining"], (string?)opened["status"]));
        var toppedUp = await JsonAsync("budget", "top-up", id, "50", "--key", owner, "--json");
        Assert.Equal(("final", "budgetTopUp"), ((string?)toppedUp["status"], (string?)toppedUp["transaction"]!["kind"]));

        var (code, output, error) = await _cli.RunAsync("task", "submit", "--capability", capability, "--input", Input, "--max-price", "8", "--budget", id, "--no-watch", "--key", owner);
        Assert.True(code == 0, error);
        Assert.StartsWith("submitted: ", output, StringComparison.Ordinal);
        var shown = await RunOkAsync("budget", "show", id);
        Assert.StartsWith($"open: {id}", shown, StringComparison.Ordinal);
        Assert.Contains("remaining 350", shown, StringComparison.Ordinal);
        Assert.Contains("reserved  8 for 1 task(s)", shown, StringComparison.Ordinal);

        Assert.StartsWith("final: ", await RunOkAsync("budget", "close", id, "--key", owner), StringComparison.Ordinal);
        Assert.Contains((string?)(await JsonAsync("budget", "show", id, "--json"))["status"], new[] { "closing", "returned" });
        var refused = await _cli.RunAsync("task", "submit", "--capability", capability, "--input", Input, "--max-price", "8", "--budget", id, "--no-watch", "--key", owner);
        Assert.Equal(3, refused.Code);
        Assert.EndsWith("(budget-closing)", refused.Error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskSubmit_WithABudget_IsPaidFromIt()
    {
        var capability = TaskClient.NewCapability();
        var agent = _cli.KeyFileOf(await _tasks.AgentAsync(capability, price: 5));
        var client = await _tasks.ClientAsync();
        var owner = _cli.KeyFileOf(client);
        var id = (string)(await JsonAsync("budget", "open", "100", "--key", owner, "--json"))["id"]!;

        var submitted = await RunOkAsync("task", "submit", "--capability", capability, "--input", Input, "--max-price", "8", "--budget", id, "--no-watch", "--key", owner);
        var taskId = Hash32.Parse(submitted.Split(' ')[1].Trim());
        var (agentCode, _, agentError) = await _cli.RunAsync("agent", "run", "--exec", "cat", "--once", "--key", agent);
        Assert.True(agentCode == 0, agentError);
        await _tasks.WaitForStateAsync(taskId, "verifying");
        await RunOkAsync("task", "accept", taskId.ToString(), "--key", owner);
        await _tasks.WaitForStateAsync(taskId, "settled");

        var budget = await JsonAsync("budget", "show", id, "--json");
        Assert.Equal((95L, 5L, 1L), ((long?)budget["remaining"], (long?)budget["spent"], (long?)budget["settledTasks"]));
        Assert.Equal(LedgerCalls.Grant - 100, (await _tasks.Ledger.AccountAsync(client.Did)).Balance);
    }

    [Fact]
    public async Task Budget_BadInputOrRefusal_ExitsWithTheInputOrRefusedCode()
    {
        var poor = _cli.KeyFileOf(Protocol.Identity.AgentKey.Generate());
        var unknown = Blake2b.Content(Guid.NewGuid().ToByteArray()).ToString();

        Assert.Equal(2, (await _cli.RunAsync("budget", "show", "not-a-hash")).Code);
        Assert.Equal(2, (await _cli.RunAsync("budget", "close", "not-a-hash", "--key", poor)).Code);
        Assert.Equal(2, (await _cli.RunAsync("budget", "open", "10", "--expires-in", "0", "--key", poor)).Code);
        Assert.Equal(2, (await _cli.RunAsync("task", "submit", "--capability", "x.y", "--input", "{}", "--max-price", "1", "--budget", "nope", "--key", poor)).Code);

        var (code, _, error) = await _cli.RunAsync("budget", "show", unknown);
        Assert.Equal(3, code);
        Assert.EndsWith("(budget-not-found)", error.Trim(), StringComparison.Ordinal);
        (code, _, error) = await _cli.RunAsync("budget", "open", "10", "--key", poor);
        Assert.Equal(3, code);
        Assert.EndsWith("(insufficient-balance)", error.Trim(), StringComparison.Ordinal);
    }

    private async Task<string> RunOkAsync(params string[] args)
    {
        var (code, output, error) = await _cli.RunAsync(args);
        Assert.True(code == 0, $"ainur {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }

    private async Task<JsonNode> JsonAsync(params string[] args) => JsonNode.Parse(await RunOkAsync(args))!;
}
