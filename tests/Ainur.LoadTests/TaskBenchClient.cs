using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Ainur.Silo.Ledger;

namespace Ainur.LoadTests;

/// <summary>
/// One benchmark client with its own key: pays each task with its own signed EscrowLock, or from its budget (opened once
/// through <c>POST /v1/budgets</c>) with a voucher. A task: sign and submit, wait for the agent's result, accept it,
/// follow the event stream to the transition to Settled.
/// </summary>
internal sealed class TaskBenchClient
{
    private const long BudgetAmount = 500_000;
    private readonly HttpClient _http;
    private readonly Hash32? _budget;

    private TaskBenchClient(HttpClient http, AgentKey key, Hash32? budget) => (_http, Key, _budget) = (http, key, budget);

    public AgentKey Key { get; }

    /// <summary>A funded client; with <paramref name="budget"/>, its budget opened and final.</summary>
    public static async Task<TaskBenchClient> CreateAsync(HttpClient http, bool budget)
    {
        var key = AgentKey.Generate();
        await TaskBench.SendAsync(http, TaskBench.Post(key, http, "/v1/faucet", "{}"), HttpStatusCode.OK);
        if (!budget)
        {
            return new TaskBenchClient(http, key, null);
        }

        // Far enough ahead that no run reaches it; the node returns the rest at expiry.
        var open = new BudgetOpen(key.Did, 1, BudgetAmount, 100_000_000);
        var transaction = SignedTransaction.Sign(open, key, LedgerSetup.DevelopmentChainId);
        await TaskBench.SendAsync(http, TaskBench.Post(key, http, "/v1/budgets", JsonSerializer.Serialize(new { transaction = Convert.ToBase64String(transaction.Encoded.Span) })), HttpStatusCode.Created);
        return new TaskBenchClient(http, key, open.BudgetId);
    }

    /// <summary>
    /// Runs one task to settlement; returns its id and the times from submit to complete and to settled. The client accepts
    /// the agent's result with a signed request once it is posted, or, with <paramref name="onResult"/>, submits with
    /// <c>accept: "on-result"</c> and sees Complete on the event stream.
    /// </summary>
    public async Task<(Hash32 Id, TimeSpan Complete, TimeSpan Settled)> RunTaskAsync(TaskBenchAgents agents, bool onResult = false)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var input = $$"""{"text":"{{Guid.NewGuid():N}}"}""";
        var terms = new TaskTerms(Key.Did, TaskBenchAgents.Capability, Blake2b.Content(Encoding.UTF8.GetBytes(input)), TaskBenchAgents.Price,
            DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(), Guid.NewGuid().ToString("N"));
        var id = terms.TaskId();
        var posted = agents.PostedFor(id);
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(terms.Deadline).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var accept = onResult ? "\"accept\":\"on-result\"," : string.Empty;
        var body = $$"""{"capability":"{{TaskBenchAgents.Capability}}","input":{{input}},"maxPrice":{{TaskBenchAgents.Price}},"deadline":"{{deadline}}","salt":"{{terms.Salt}}",{{accept}}{{Payment(id, terms)}}}""";
        await TaskBench.SendAsync(_http, TaskBench.Post(Key, _http, "/v1/tasks", body), HttpStatusCode.Accepted);
        TimeSpan complete;
        if (onResult)
        {
            complete = await FollowUntilSettledAsync(id, started);
        }
        else
        {
            await posted.Task.WaitAsync(TimeSpan.FromMinutes(1));
            await TaskBench.SendAsync(_http, TaskBench.Post(Key, _http, $"/v1/tasks/{id}/accept", "{}"), HttpStatusCode.OK);
            complete = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            await FollowUntilSettledAsync(id);
        }

        agents.Posted.TryRemove(new KeyValuePair<Hash32, TaskCompletionSource>(id, posted));
        return (id, complete, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Runs one task of a hosted agent's <paramref name="capability"/> to settlement: sign and submit, then follow the event
    /// stream; returns its id and the times from submit to the transition to Complete and to Settled.
    /// </summary>
    public async Task<(Hash32 Id, TimeSpan Complete, TimeSpan Settled)> RunHostedTaskAsync(string capability, long price)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var input = $$"""{"text":"{{Guid.NewGuid():N}}"}""";
        var terms = new TaskTerms(Key.Did, capability, Blake2b.Content(Encoding.UTF8.GetBytes(input)), price,
            DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(), Guid.NewGuid().ToString("N"));
        var id = terms.TaskId();
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(terms.Deadline).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var body = $$"""{"capability":"{{capability}}","input":{{input}},"maxPrice":{{price}},"deadline":"{{deadline}}","salt":"{{terms.Salt}}",{{Payment(id, terms)}}}""";
        await TaskBench.SendAsync(_http, TaskBench.Post(Key, _http, "/v1/tasks", body), HttpStatusCode.Accepted);
        var complete = await FollowUntilSettledAsync(id, started);
        return (id, complete, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    private string Payment(Hash32 id, TaskTerms terms)
    {
        if (_budget is { } budget)
        {
            var voucher = new Voucher(budget, id, terms.MaxPrice).Sign(Key, LedgerSetup.DevelopmentChainId);
            return $$"""
                "budget":"{{budget}}","voucher":"{{Convert.ToBase64String(voucher)}}"
                """;
        }

        var paymentLock = SignedTransaction.Sign(new EscrowLock(Key.Did, TaskEscrows.Payment(id), terms.MaxPrice, terms.Deadline), Key, LedgerSetup.DevelopmentChainId);
        return $$"""
            "paymentLock":"{{Convert.ToBase64String(paymentLock.Encoded.Span)}}"
            """;
    }

    /// <summary>Reads the task's event stream until a transition to Settled; returns when (since <paramref name="started"/>) it saw Complete.</summary>
    private async Task<TimeSpan> FollowUntilSettledAsync(Hash32 id, long started = 0)
    {
        var complete = TimeSpan.Zero;
        using var response = await _http.GetAsync(new Uri($"/v1/tasks/{id}/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && complete == TimeSpan.Zero && line.Contains("\"to\":\"complete\"", StringComparison.OrdinalIgnoreCase))
            {
                complete = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            }

            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("\"to\":\"settled\"", StringComparison.OrdinalIgnoreCase))
            {
                return complete;
            }
        }

        throw new InvalidOperationException($"Task {id}'s event stream ended before it was settled.");
    }
}
