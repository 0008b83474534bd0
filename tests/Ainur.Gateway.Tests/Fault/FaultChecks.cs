using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Budgets;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Gateway.Tests.Fault;

/// <summary>
/// The invariants every fault must keep, checked once the load has stopped: every submission answered 202 or told to
/// retry (503, or a refused connection), no acknowledged task lost, every task terminal within the bound with its
/// payment closed, none settled twice, and the ledger holding exactly what the settled tasks moved (which conserves
/// the supply).
/// </summary>
internal static class FaultChecks
{
    /// <summary>Longest a task may take from its submission to its last transition (terminal, payment closed).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    private static readonly TimeSpan LedgerPatience = TimeSpan.FromSeconds(30);

    private const long MaxPrice = 8; // the drafts' default

    /// <summary>Checks <paramref name="submissions"/> (and the fixture's probes) and the ledger; returns a summary to print.</summary>
    public static async Task<string> AssertAsync(FaultClusterFixture fixture, IReadOnlyList<Submission> submissions, CancellationToken ct)
    {
        // Tasks an earlier test gave up on are counted here; their time was that test's failure.
        var carried = fixture.Unfinished.Select(s => s.Draft.Id).ToHashSet();
        var all = submissions.Concat(fixture.TakeProbes()).Concat(fixture.Unfinished).ToList();
        fixture.Unfinished.Clear();
        var refused = all.Where(s => !s.Acknowledged && !s.Retryable).ToList();
        var views = await WaitUntilTerminalAsync(fixture, all, ct);

        var lost = all.Where(s => s.Acknowledged && views[s.Draft.Id] is null).ToList();
        Assert.True(lost.Count == 0, $"acknowledged (202) but unknown afterwards: {string.Join(", ", lost)}");

        var slowest = TimeSpan.Zero;
        string? failedExample = null;
        // Every task is counted before any of them fails this test: the fixture's ledger is shared by the class's tests,
        // and a task left uncounted would fail every later test's ledger check too.
        var violations = new List<string>();
        foreach (var submission in all.Where(s => views[s.Draft.Id] is not null))
        {
            var view = views[submission.Draft.Id]!.Value;
            var history = await HistoryAsync(fixture, submission.Draft.Id, ct);
            var id = submission.Draft.Id;
            if (!history.Select(t => t.GetProperty("sequence").GetInt32()).SequenceEqual(Enumerable.Range(1, history.Length)))
            {
                violations.Add($"task {id}'s history is not numbered 1..{history.Length}: {Describe(history)}");
            }

            if (history.Count(t => t.GetProperty("to").GetString() == "settled") > 1)
            {
                violations.Add($"task {id} settled twice: {Describe(history)}");
            }

            var took = history[^1].GetProperty("at").GetDateTimeOffset() - history[0].GetProperty("at").GetDateTimeOffset();
            if (took > Bound && !carried.Contains(id))
            {
                violations.Add($"task {id} took {took.TotalSeconds:F1} s to end, over the bound of {Bound.TotalSeconds:F0} s: {Describe(history)}");
            }

            slowest = took > slowest ? took : slowest;

            var state = view.GetProperty("state").GetString()!;
            failedExample ??= state == "settled" ? null : Describe(history);
            var agent = view.GetProperty("agent").GetString() is { } did ? Did.Parse(did) : (Did?)null;
            Assert.True(fixture.Outcomes.TryAdd(id, new TaskOutcome(submission.Draft.Client.Did, agent, submission.FromBudget, state, view.GetProperty("price").GetInt64())),
                $"task {id} checked twice");
        }

        fixture.NeverMade.AddRange(all.Where(s => views[s.Draft.Id] is null));
        Assert.True(violations.Count == 0, $"{violations.Count} task(s) broke the rules: {string.Join("; ", violations.Take(3))}");

        await AssertLedgerAsync(fixture, ct);

        // An unanswered submission found unknown must stay so, or the ledger above left it out.
        foreach (var unknown in all.Where(s => views[s.Draft.Id] is null))
        {
            Assert.True(await ReadAsync(fixture, unknown.Draft.Id, ct) is null, $"{unknown} appeared after the checks");
        }

        // Checked once its tasks are counted and the ledger agrees: the fixture's ledger is shared by the class's tests,
        // and tasks left uncounted here would fail every later test's ledger check as well as this one.
        Assert.True(refused.Count == 0, $"answers other than 202, 503 problem+json or a refused connection: {string.Join("; ", refused.Take(5))}");

        var ended = all.Select(s => views[s.Draft.Id]).OfType<JsonElement>()
            .GroupBy(v => v.GetProperty("state").GetString() == "settled" ? "settled" : $"{v.GetProperty("state").GetString()} ({(v.TryGetProperty("reason", out var reason) ? reason.GetString() : "")})");
        return string.Create(CultureInfo.InvariantCulture,
            $"{all.Count} submissions, {all.Count(s => s.Acknowledged)} acknowledged; not acknowledged: " +
            $"[{string.Join("; ", all.Where(s => !s.Acknowledged).GroupBy(s => s.Status).Select(g => $"{g.Count()}x {g.Key} e.g. {Shorten(g.First().Detail)}"))}]; " +
            $"ended: [{string.Join("; ", ended.Select(g => $"{g.Count()}x {g.Key}"))}]; {all.Count(s => views[s.Draft.Id] is null)} never made; " +
            $"slowest task {slowest.TotalSeconds:F1} s to its end{(failedExample is null ? "" : "; one that did not settle: " + failedExample)}");
    }

    /// <summary>
    /// Reads every task until it is terminal with its payment closed, or unknown (404) when it was never acknowledged;
    /// fails listing the others after <see cref="Bound"/>.
    /// </summary>
    private static async Task<Dictionary<Hash32, JsonElement?>> WaitUntilTerminalAsync(FaultClusterFixture fixture, List<Submission> all, CancellationToken ct)
    {
        var views = new Dictionary<Hash32, JsonElement?>();
        var open = all;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var still = new List<(Submission Submission, JsonElement? View)>();
            foreach (var submission in open)
            {
                var view = await ReadAsync(fixture, submission.Draft.Id, ct);
                if (view is null ? !submission.Acknowledged : IsClosed(view.Value))
                {
                    views[submission.Draft.Id] = view;
                }
                else
                {
                    still.Add((submission, view));
                }
            }

            if (still.Count == 0)
            {
                return views;
            }

            if (waited.Elapsed >= Bound)
            {
                // Left for the next test's checks (the tasks counted so far are not: this test fails before counting).
                fixture.Unfinished.AddRange(all);
                Assert.Fail($"{still.Count} tasks not terminal {Bound.TotalSeconds:F0} s after the load stopped: " +
                    string.Join("; ", still.Take(10).Select(s => $"{s.Submission} -> {s.View?.GetRawText() ?? "404"}")));
            }

            open = [.. still.Select(s => s.Submission)];
            await Task.Delay(500, ct);
        }
    }

    /// <summary>
    /// Waits until every account and budget holds what the settled tasks moved, then asserts it: first that the supply
    /// is conserved (nothing made or lost, whoever holds it), then each holder.
    /// </summary>
    private static async Task AssertLedgerAsync(FaultClusterFixture fixture, CancellationToken ct)
    {
        var settled = fixture.Outcomes.Values.Where(o => o.State == "settled").ToList();
        Assert.All(settled, o => Assert.Equal(FaultClusterFixture.Price, o.Price));
        var net = FaultClusterFixture.Price - FaultClusterFixture.Fee;
        var expected = new Dictionary<string, (long Balance, long Stake)>
        {
            [$"account {fixture.Treasury.Did}"] = (FaultClusterFixture.Fee * settled.Count, 0),
        };
        foreach (var agent in fixture.Agents)
        {
            expected[$"account {agent.Did}"] = (FaultClusterFixture.Grant - FaultClusterFixture.Stake + (net * settled.Count(o => o.Agent == agent.Did)), FaultClusterFixture.Stake);
        }

        foreach (var client in fixture.Clients)
        {
            var paidByLock = settled.Count(o => o.Client == client.Did && !o.FromBudget) * FaultClusterFixture.Price;
            var spent = settled.Count(o => o.Client == client.Did && o.FromBudget) * FaultClusterFixture.Price;
            expected[$"account {client.Did}"] = (FaultClusterFixture.Grant - FaultClusterFixture.BudgetAmount - paidByLock, 0);
            expected[$"budget {fixture.BudgetOf(client)}"] = (FaultClusterFixture.BudgetAmount - spent, spent);
            // A budget holds the reservation of a task whose submit it reserved but that was never made until a minute past
            // the task's deadline (a resend may still come): never more than its unanswered submits, maxPrice each.
            var unanswered = fixture.NeverMade.Count(s => s.FromBudget && s.Draft.Client.Did == client.Did && s.Draft.Deadline.AddMinutes(1) > DateTimeOffset.UtcNow);
            expected[$"reserved {fixture.BudgetOf(client)}"] = (unanswered, unanswered * MaxPrice);
        }

        var waited = Stopwatch.StartNew();
        Dictionary<string, (long Balance, long Stake)> actual;
        while ((actual = await ReadLedgerAsync(fixture, ct)).Any(a => !Holds(a.Key, a.Value, expected[a.Key])) && waited.Elapsed < LedgerPatience)
        {
            await Task.Delay(250, ct);
        }

        var supply = (fixture.Clients.Count + fixture.Agents.Count) * FaultClusterFixture.Grant;
        var held = actual.Where(a => a.Key.StartsWith("account ", StringComparison.Ordinal)).Sum(a => a.Value.Balance + a.Value.Stake)
            + actual.Where(a => a.Key.StartsWith("budget ", StringComparison.Ordinal)).Sum(a => a.Value.Balance);
        Assert.True(held == supply, $"supply not conserved: {held} held, {supply} at genesis; {Describe(actual, expected)}");
        var wrong = actual.Where(a => !Holds(a.Key, a.Value, expected[a.Key])).ToList();
        Assert.True(wrong.Count == 0, $"the ledger does not hold what {settled.Count} settled tasks moved: {Describe(actual, expected)}");
    }

    private static bool Holds(string key, (long Balance, long Stake) actual, (long Balance, long Stake) expected) =>
        key.StartsWith("reserved ", StringComparison.Ordinal)
            ? actual.Balance <= expected.Balance && actual.Stake == actual.Balance * MaxPrice
            : actual == expected;

    /// <summary>Every account of the fixture (balance, stake), and each budget (remaining, spent) and its reservations (tasks, amount).</summary>
    private static async Task<Dictionary<string, (long Balance, long Stake)>> ReadLedgerAsync(FaultClusterFixture fixture, CancellationToken ct)
    {
        var ledger = new LedgerCalls(fixture.Gateway(0));
        var actual = new Dictionary<string, (long Balance, long Stake)>();
        foreach (var key in fixture.Clients.Concat(fixture.Agents).Append(fixture.Treasury))
        {
            var account = await ledger.AccountAsync(key.Did);
            actual[$"account {key.Did}"] = (account.Balance, account.Stake);
        }

        foreach (var client in fixture.Clients)
        {
            var budget = await new BudgetCalls(ledger).GetAsync(fixture.BudgetOf(client));
            actual[$"budget {fixture.BudgetOf(client)}"] = (budget.GetProperty("remaining").GetInt64(), budget.GetProperty("spent").GetInt64());
            actual[$"reserved {fixture.BudgetOf(client)}"] = (budget.GetProperty("reservedTasks").GetInt32(), budget.GetProperty("reservedAmount").GetInt64());
        }

        ct.ThrowIfCancellationRequested();
        return actual;
    }

    /// <summary>The task's view, or null when the cluster does not know it (404); through the gateways in turn.</summary>
    private static async Task<JsonElement?> ReadAsync(FaultClusterFixture fixture, Hash32 id, CancellationToken ct)
    {
        using var response = await fixture.Http.GetAsync(new Uri(fixture.Gateway(id.GetHashCode() & 1).Address, $"/v1/tasks/{id}"), ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    private static async Task<JsonElement[]> HistoryAsync(FaultClusterFixture fixture, Hash32 id, CancellationToken ct)
    {
        using var response = await fixture.Http.GetAsync(new Uri(fixture.Gateway(0).Address, $"/v1/tasks/{id}/history"), ct);
        return [.. (await HttpAssert.JsonAsync(response, HttpStatusCode.OK)).EnumerateArray()];
    }

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "…" : text;

    private static bool IsClosed(JsonElement task) =>
        task.GetProperty("state").GetString() is "settled" or "cancelled" or "failed"
        && task.GetProperty("payment").GetString() is not ("locking" or "locked");

    private static string Describe(JsonElement[] history) =>
        string.Join(" | ", history.Select(t => $"#{t.GetProperty("sequence").GetInt32()} {t.GetProperty("at").GetDateTimeOffset():HH:mm:ss.fff} " +
            $"{(t.TryGetProperty("from", out var from) ? from.GetString() : "")}->{t.GetProperty("to").GetString()} {t.GetProperty("cause").GetString()}"));

    private static string Describe(Dictionary<string, (long Balance, long Stake)> actual, Dictionary<string, (long Balance, long Stake)> expected) =>
        string.Join("; ", actual.Select(a => $"{a.Key}: {a.Value}{(Holds(a.Key, a.Value, expected[a.Key]) ? "" : $" expected {expected[a.Key]}")}"));
}
