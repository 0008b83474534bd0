using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Gateway.Tests.Tasks;
using Ainur.Protocol.Identity;
using Ainur.Testing;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Durability;

/// <summary>
/// Paid tasks survive <c>kill -9</c> of a standalone node. Tasks are driven into every state (pending, its lock in
/// flight, assigned, executing, verifying, disputed, complete, settled, cancelled, and pending with a deadline about to
/// pass), the node is killed with SIGKILL and a new process started on the same database. Afterwards only the parties
/// act (agents take and post, verifiers judge, clients accept), and nobody reads a task until the ledger shows every
/// account as its scenario ends it: the tasks must come back by themselves (their reminders). Then every task is in the
/// terminal state its scenario says, with its holds closed, and its history begins with what was read before the kill.
/// Some tasks are paid from one budget, their reservations and settlements in flight at the kill: they settle or release
/// once, and the budget, closed after the restart, is returned having spent exactly their prices.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class TaskDurabilityTests
{
    // Agents ask TaskClient's default price, clients offer TaskDraft's default maxPrice; a 20 % fee makes the fee show.
    private const long Price = 5;
    private const long Fee = 1;
    private const long VerifierFee = 2;
    private const long Grant = LedgerCalls.Grant;
    private const long Stake = TaskClient.MinStake;

    // A lost dispute slashes the whole minimum stake: the verifier's fee first, then half of the rest to the client.
    private const long ClientSlashShare = (Stake - VerifierFee) / 2;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Deadlines that the parties beat after the restart (execution, verdicts) are long; the silent client's challenge
    /// window ends while the node is down or soon after, and the reminder brings open tasks back within seconds. Fees
    /// and slashes go to <paramref name="treasury"/>, an account of this test's own.
    /// </summary>
    private static Dictionary<string, string?> Settings(Did treasury) => new()
    {
        ["Ainur:Ledger:Treasury"] = treasury.Value,
        ["Ainur:Tasks:ExecutionTimeout"] = "00:02:00",
        ["Ainur:Tasks:VerdictTimeout"] = "00:02:00",
        ["Ainur:Tasks:ChallengeWindow"] = "00:00:15",
        ["Ainur:Tasks:ReminderPeriod"] = "00:00:05",
        ["Ainur:Tasks:MaxAttempts"] = "3",
        ["Ainur:Tasks:VerifierQuorum"] = "1",
        ["Ainur:Tasks:VerifierFee"] = $"{VerifierFee}",
        ["Ainur:Tasks:DisputeBond"] = $"{TaskNodeFixture.DisputeBond}",
        ["Ainur:Tasks:ProtocolFeeBps"] = "2000",
        ["Ainur:Tasks:MinStake"] = $"{Stake}",
        ["Ainur:Tasks:SlashClientShareBps"] = "5000",
    };

    [Fact(Timeout = 300_000)]
    public async Task TasksInEveryState_AfterKillNine_EachReachTheirTerminalState_AndTheLedgerAgrees()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        var clock = Stopwatch.StartNew();
        await using var db = await TestDatabase.CreateAsync(ct);
        var clusterId = $"task-durability-{Guid.NewGuid():N}";
        List<Scenario> scenarios;
        Func<TaskClient, Task> budgetCheck;
        var before = new Dictionary<string, JsonElement[]>();
        var atKill = new Dictionary<string, JsonElement>();
        using var treasury = AgentKey.Generate();
        var settings = Settings(treasury.Did);

        await using (var first = await GatewayProcess.StartStandaloneAsync(db, clusterId, settings, ct))
        {
            var tasks = new TaskClient(first);
            // The budget's tasks first: the challenge windows of the others are short.
            (var budgetScenarios, budgetCheck) = await BudgetScenariosAsync(tasks);
            scenarios = [.. await DriveIntoEveryStateAsync(tasks), .. budgetScenarios];
            foreach (var scenario in scenarios)
            {
                before[scenario.Name] = await HistoryAsync(tasks, scenario.Draft, unknownIsEmpty: scenario.Lastly is not null);
                if (scenario.Lastly is null)
                {
                    atKill[scenario.Name] = await tasks.TaskAsync(scenario.Draft.Id);
                }
            }

            // The last commands together, then the kill at once: what they set off (a lock, a refund, a release) is in flight.
            var lastly = scenarios.Where(s => s.Lastly is not null).ToList();
            var replies = await Task.WhenAll(lastly.Select(s => s.Lastly!(tasks)));
            first.Node.KillHard();
            for (var i = 0; i < lastly.Count; i++)
            {
                atKill[lastly[i].Name] = replies[i];
            }

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: killed with {scenarios.Count} tasks: " + string.Join(", ", scenarios.Select(s =>
                $"{s.Name} ({atKill[s.Name].GetProperty("state").GetString()}, payment {atKill[s.Name].GetProperty("payment").GetString()})")));
            foreach (var scenario in scenarios)
            {
                Assert.True(scenario.AtKill.Contains(atKill[scenario.Name].GetProperty("state").GetString()), $"{scenario.Name} at the kill: {atKill[scenario.Name]}");
            }
        }

        await using var second = await GatewayProcess.StartStandaloneAsync(db, clusterId, settings, ct);
        var after = new TaskClient(second);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: restarted");
        await Task.WhenAll(scenarios.Select(s => s.Resume?.Invoke(after) ?? Task.CompletedTask));
        var accounts = scenarios.SelectMany(s => s.Accounts).ToList();
        // Every credit the parties lost between them (fees, the slash's remainder) is the treasury's, and no more.
        accounts.Add(new(treasury, accounts.Sum(a => Grant - a.Balance - a.Stake), 0));
        await WaitForLedgerAsync(after, accounts);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: the parties are done and the ledger holds what every task owes");

        foreach (var scenario in scenarios)
        {
            var task = await after.WaitForAsync(scenario.Draft.Id, IsClosed, "terminal with its holds closed");
            var end = (task.GetProperty("state").GetString(), task.GetProperty("payment").GetString(), task.GetProperty("bond").GetString(), Resolution(task));
            Assert.True(scenario.End == end, $"{scenario.Name}: expected {scenario.End}, got {task}");

            // What was read before the kill is a prefix of the history, and the state acknowledged at the kill follows it.
            var history = await HistoryAsync(after, scenario.Draft);
            Assert.Equal(Enumerable.Range(1, history.Length), history.Select(t => t.GetProperty("sequence").GetInt32()));
            var read = before[scenario.Name];
            Assert.True(history.Length >= read.Length, $"{scenario.Name} lost transitions: {read.Length} before the kill, {history.Length} after");
            for (var i = 0; i < read.Length; i++)
            {
                Assert.Equal(read[i].GetRawText(), history[i].GetRawText());
            }

            var acknowledged = atKill[scenario.Name].GetProperty("state").GetString();
            Assert.Contains(history, t => t.GetProperty("to").GetString() == acknowledged);
            if (scenario.AfterKill is { } move)
            {
                Assert.Contains(history[read.Length..], t => (t.GetProperty("to").GetString(), t.GetProperty("cause").GetString()) == move);
            }
        }

        // Nothing moved after the tasks closed: each account holds exactly what its scenario paid or was paid.
        await AssertLedgerAsync(after, accounts, final: true);
        await budgetCheck(after);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: every task closed as its scenario ends it");
    }

    /// <summary>
    /// The scenarios, each brought to its state at the kill, or to just before its last command (sent right before
    /// the kill) where what follows that command is quick: a release, a refund, a lock.
    /// </summary>
    private static async Task<List<Scenario>> DriveIntoEveryStateAsync(TaskClient tasks)
    {
        var scenarios = new List<Scenario>
        {
            await SettledAsync(tasks),
            await DisputedAsync(tasks, upholds: true),
            await DisputedAsync(tasks, upholds: false),
            await ExecutingAsync(tasks),
            await StartedUnwrittenAsync(tasks),
            await AssignedAsync(tasks),
            await PendingAsync(tasks),
        };

        // One capability whose only agent never stakes: its tasks stay Pending until cancelled or their deadline passes.
        var stuck = TaskClient.NewCapability();
        await tasks.AgentAsync(stuck, staked: false);
        var cancelled = TaskDraft.For(await tasks.ClientAsync(), stuck);
        await SubmitLockedAsync(tasks, cancelled);
        var expiring = TaskDraft.For(await tasks.ClientAsync(), stuck) with { Deadline = WholeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(30)) };
        await SubmitLockedAsync(tasks, expiring);

        var (complete, completeAgent, _) = await tasks.VerifyingAsync();
        var (silent, silentAgent, _) = await tasks.VerifyingAsync();
        var fresh = TaskClient.NewCapability();
        var freshAgent = await tasks.AgentAsync(fresh);
        var submitted = TaskDraft.For(await tasks.ClientAsync(), fresh);

        scenarios.AddRange(
        [
            new("verifying, silent client", silent, ["verifying"], Ends("settled", "released"), Paid(silent, silentAgent), AfterKill: ("complete", "deadline")),
            new("pending, deadline about to pass", expiring, ["pending"], Ends("failed", "refunded"), Refunded(expiring), AfterKill: ("failed", "deadline")),
            new("complete, release in flight", complete, ["complete", "settled"], Ends("settled", "released"), Paid(complete, completeAgent),
                Lastly: t => PostAsync(t, complete.Client, $"/v1/tasks/{complete.Id}/accept")),
            new("cancelled, refund in flight", cancelled, ["cancelled"], Ends("cancelled", "refunded"), Refunded(cancelled),
                Lastly: t => PostAsync(t, cancelled.Client, $"/v1/tasks/{cancelled.Id}/cancel")),
            new("submitted, lock in flight", submitted, ["pending"], Ends("settled", "released"), Paid(submitted, freshAgent),
                Resume: after => TakeAndFinishAsync(after, submitted, freshAgent),
                Lastly: t => t.SubmitAsync(submitted)),
        ]);
        return scenarios;
    }

    private static async Task<JsonElement> PostAsync(TaskClient tasks, AgentKey signer, string path) =>
        await HttpAssert.JsonAsync(await tasks.PostAsync(signer, path, ""), HttpStatusCode.OK);

    private static async Task<Scenario> SettledAsync(TaskClient tasks)
    {
        var (draft, agent, _) = await tasks.VerifyingAsync();
        await PostAsync(tasks, draft.Client, $"/v1/tasks/{draft.Id}/accept");
        await tasks.WaitForAsync(draft.Id, IsClosed, "settled and closed");
        return new("settled", draft, ["settled"], Ends("settled", "released"), Paid(draft, agent));
    }

    /// <summary>Disputed with its verifier appointed; the verifier answers only after the restart.</summary>
    private static async Task<Scenario> DisputedAsync(TaskClient tasks, bool upholds)
    {
        var (draft, agent, _) = await tasks.VerifyingAsync();
        // Registered once the agent has the task, so the roster can only appoint it as the verifier.
        var verifier = await tasks.AgentAsync(draft.Capability);
        await HttpAssert.JsonAsync(await tasks.PostAsync(draft.Client, $"/v1/tasks/{draft.Id}/dispute", await tasks.DisputeBodyAsync(draft.Client, draft.Id)), HttpStatusCode.OK);
        await tasks.WaitForAsync(
            draft.Id,
            t => t.GetProperty("bond").GetString() == "locked" && t.GetProperty("dispute").GetProperty("verifiers").GetArrayLength() == 1,
            "its bond locked and a verifier appointed");

        var bond = TaskNodeFixture.DisputeBond;
        async Task JudgeAsync(TaskClient after)
        {
            var item = await after.NextAsync(verifier);
            Assert.Equal(("verify", draft.Id.ToString()), (item.GetProperty("kind").GetString(), item.GetProperty("taskId").GetString()));
            await HttpAssert.JsonAsync(
                await after.PostAsync(verifier, $"/v1/tasks/{draft.Id}/verdict", upholds ? """{"upholds":true}""" : """{"upholds":false}"""), HttpStatusCode.OK);
        }

        // Upheld: the agent is paid and takes the bond less the verifier's fee. Rejected: payment and bond come back,
        // and the agent's stake pays the verifier and part of the client's loss.
        return upholds
            ? new("disputed, upheld after the restart", draft, ["disputed"], ("settled", "released", "released", "agentWins"),
                [new(draft.Client, Grant - Price - bond, 0), new(agent, Grant - Stake + Price - Fee + bond - VerifierFee, Stake), new(verifier, Grant - Stake + VerifierFee, Stake)],
                Resume: JudgeAsync)
            : new("disputed, rejected after the restart", draft, ["disputed"], ("failed", "refunded", "refunded", "clientWins"),
                [new(draft.Client, Grant + ClientSlashShare, 0), new(agent, Grant - Stake, 0), new(verifier, Grant - Stake + VerifierFee, Stake)],
                Resume: JudgeAsync);
    }

    /// <summary>Started by its agent, whose result comes only after the restart.</summary>
    private static async Task<Scenario> ExecutingAsync(TaskClient tasks)
    {
        var capability = TaskClient.NewCapability();
        var agent = await tasks.AgentAsync(capability);
        var draft = TaskDraft.For(await tasks.ClientAsync(), capability);
        await tasks.SubmitAsync(draft);
        var attempt = (await tasks.NextAsync(agent)).GetProperty("attempt").GetInt32();

        // The start shares its result's write; with none coming before the kill, it is written on its own.
        await tasks.WaitForStateAsync(draft.Id, "executing");
        return new("executing", draft, ["executing"], Ends("settled", "released"), Paid(draft, agent),
            Resume: after => FinishAsync(after, draft, agent, attempt));
    }

    /// <summary>Started by its agent just before the kill, so the start is most likely lost with the node: its result still counts.</summary>
    private static async Task<Scenario> StartedUnwrittenAsync(TaskClient tasks)
    {
        var capability = TaskClient.NewCapability();
        var agent = await tasks.AgentAsync(capability);
        var draft = TaskDraft.For(await tasks.ClientAsync(), capability);
        await tasks.SubmitAsync(draft);
        var attempt = 0;
        return new("started, start not written", draft, ["assigned", "executing"], Ends("settled", "released"), Paid(draft, agent),
            Lastly: async t =>
            {
                attempt = (await t.NextAsync(agent)).GetProperty("attempt").GetInt32();
                return await t.TaskAsync(draft.Id);
            },
            Resume: after => FinishAsync(after, draft, agent, attempt));
    }

    /// <summary>Offered to a staked agent that polls only after the restart.</summary>
    private static async Task<Scenario> AssignedAsync(TaskClient tasks)
    {
        var capability = TaskClient.NewCapability();
        var agent = await tasks.AgentAsync(capability);
        var draft = TaskDraft.For(await tasks.ClientAsync(), capability);
        await tasks.SubmitAsync(draft);
        await tasks.WaitForStateAsync(draft.Id, "assigned");
        return new("assigned", draft, ["assigned"], Ends("settled", "released"), Paid(draft, agent),
            Resume: after => TakeAndFinishAsync(after, draft, agent));
    }

    /// <summary>Locked, with no agent to take it: its only agent stakes after the restart.</summary>
    private static async Task<Scenario> PendingAsync(TaskClient tasks)
    {
        var capability = TaskClient.NewCapability();
        var agent = await tasks.AgentAsync(capability, staked: false);
        var draft = TaskDraft.For(await tasks.ClientAsync(), capability);
        await SubmitLockedAsync(tasks, draft);
        return new("pending, no staked agent", draft, ["pending"], Ends("settled", "released"), Paid(draft, agent),
            Resume: async after =>
            {
                await after.StakeAsync(agent);
                await TakeAndFinishAsync(after, draft, agent);
            });
    }

    private static async Task SubmitLockedAsync(TaskClient tasks, TaskDraft draft)
    {
        await tasks.SubmitAsync(draft);
        await tasks.WaitForPaymentAsync(draft.Id, "locked");
    }

    private static async Task TakeAndFinishAsync(TaskClient tasks, TaskDraft draft, AgentKey agent)
    {
        var item = await tasks.NextAsync(agent);
        Assert.Equal(("execute", draft.Id.ToString()), (item.GetProperty("kind").GetString(), item.GetProperty("taskId").GetString()));
        await FinishAsync(tasks, draft, agent, item.GetProperty("attempt").GetInt32());
    }

    /// <summary>The agent posts its result and the client accepts it.</summary>
    private static async Task FinishAsync(TaskClient tasks, TaskDraft draft, AgentKey agent, int attempt)
    {
        await HttpAssert.JsonAsync(await tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(attempt, "{}")), HttpStatusCode.OK);
        await PostAsync(tasks, draft.Client, $"/v1/tasks/{draft.Id}/accept");
    }

    /// <summary>Polls the ledger (no task is read) until every account is as expected; fails listing those that are not.</summary>
    private static async Task WaitForLedgerAsync(TaskClient tasks, IReadOnlyList<Expected> accounts)
    {
        var started = Stopwatch.StartNew();
        while (!await AssertLedgerAsync(tasks, accounts, final: started.Elapsed > Patience))
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<bool> AssertLedgerAsync(TaskClient tasks, IReadOnlyList<Expected> accounts, bool final)
    {
        var wrong = new List<string>();
        foreach (var expected in accounts)
        {
            var account = await tasks.Ledger.AccountAsync(expected.Key.Did);
            if ((account.Balance, account.Stake) != (expected.Balance, expected.Stake))
            {
                wrong.Add($"{expected.Key.Did}: balance {account.Balance} stake {account.Stake}, expected {expected.Balance} and {expected.Stake}");
            }
        }

        Assert.True(wrong.Count == 0 || !final, $"accounts not as their tasks end them: {string.Join("; ", wrong)}");
        return wrong.Count == 0;
    }

    /// <summary>The task's transitions; with <paramref name="unknownIsEmpty"/>, none for a task not submitted yet (404).</summary>
    private static async Task<JsonElement[]> HistoryAsync(TaskClient tasks, TaskDraft draft, bool unknownIsEmpty = false)
    {
        var response = await tasks.GetAsync($"/v1/tasks/{draft.Id}/history");
        return unknownIsEmpty && response.StatusCode == HttpStatusCode.NotFound
            ? []
            : [.. (await HttpAssert.JsonAsync(response, HttpStatusCode.OK)).EnumerateArray()];
    }

    private static bool IsClosed(JsonElement task) =>
        task.GetProperty("state").GetString() is "settled" or "cancelled" or "failed"
        && task.GetProperty("payment").GetString() is not ("locking" or "locked")
        && task.GetProperty("bond").GetString() is not ("locking" or "locked");

    private static string? Resolution(JsonElement task) =>
        task.TryGetProperty("dispute", out var dispute) && dispute.ValueKind == JsonValueKind.Object && dispute.TryGetProperty("resolution", out var resolution)
            ? resolution.GetString()
            : null;

    private static (string State, string Payment, string Bond, string? Resolution) Ends(string state, string payment) => (state, payment, "none", null);

    /// <summary>The client paid the agent's price; the agent got it less the fee, and keeps its stake.</summary>
    private static Expected[] Paid(TaskDraft draft, AgentKey agent) => [new(draft.Client, Grant - Price, 0), AgentPaid(agent)];

    private static Expected[] Refunded(TaskDraft draft) => [new(draft.Client, Grant, 0)];

    private static DateTimeOffset WholeMilliseconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    /// <summary>An account's balance and stake once every task has ended.</summary>
    private sealed record Expected(AgentKey Key, long Balance, long Stake);

    /// <summary>
    /// One task: the states it may be in at the kill, how it ends (state, payment, bond, dispute resolution), the
    /// accounts it touches, a move (to, cause) its history must show after the kill when no party asks for it (a
    /// deadline), what its parties do after the restart, and the command sent just before the kill (its reply is
    /// the task as acknowledged at the kill).
    /// </summary>
    private sealed record Scenario(
        string Name,
        TaskDraft Draft,
        string[] AtKill,
        (string State, string Payment, string Bond, string? Resolution) End,
        IReadOnlyList<Expected> Accounts,
        (string To, string Cause)? AfterKill = null,
        Func<TaskClient, Task>? Resume = null,
        Func<TaskClient, Task<JsonElement>>? Lastly = null);
}
