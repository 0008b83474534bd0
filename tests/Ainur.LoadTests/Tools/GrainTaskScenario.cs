using System.Collections.Immutable;
using System.Text;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Budgets;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.LoadTests.Tools;

/// <summary>
/// Paid tasks at grain level, the calls the gateway makes for clients and remote agents: each client pays from its own
/// budget (opened once) with a voucher per task; submit to the task grain, wait for the agent's result, accept it, wait
/// until settled. The agents are loops in this process that take items from their feed grains, start them and post the
/// input back as the output. Latency is submit to settled.
/// </summary>
internal sealed class GrainTaskScenario(IClusterClient cluster, GrainLedger ledger, int agentCount) : OwningScenario
{
    private const long BudgetAmount = 500_000;
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan TaskLimit = TimeSpan.FromSeconds(60);

    public override string Name => "tasks";

    public override string Description => "budget-paid task: ITaskGrain submit -> agent feed, start, result -> accept -> settled";

    public override async Task<LoadOperation> PrepareAsync(int concurrency)
    {
        var agents = NewKeys(agentCount);
        var clients = NewKeys(concurrency);
        await ledger.FundAsync([.. agents.Concat(clients).Select(k => k.Did)], LoadAgents.Funding);
        await Task.WhenAll(agents.Select(EnlistAsync));
        var budgets = await Task.WhenAll(clients.Select(OpenBudgetAsync));
        var schemas = (await cluster.GetGrain<ICapabilityRosterGrain>(LoadAgents.Capability).GetSchemasAsync()).Select(s => s.Hash).ToImmutableArray();

        // As many items in flight per agent as clients may wait on it, taken by two pollers per agent.
        var batch = Math.Clamp(concurrency / agentCount, 1, 64);
        Serve(agents.SelectMany(a => Enumerable.Range(0, 2).Select(_ => ServeAsync(a, batch, Stopping))));
        return (w, _) => RunTaskAsync(clients[w], budgets[w], schemas);
    }

    private async Task EnlistAsync(AgentKey agent)
    {
        await ledger.FinalizeAsync(ledger.Sign(new Stake(agent.Did, LoadAgents.Stake, 1), agent));
        var decision = await cluster.GetGrain<IAgentGrain>(agent.Did.Value).RegisterAsync(new RegisterAgent(agent.Did, LoadAgents.Manifest));
        if (decision.Next is null)
        {
            throw new InvalidOperationException($"Agent {agent.Did} was not registered: {decision.Rejection} {string.Join("; ", decision.Errors)}");
        }
    }

    private async Task<Hash32> OpenBudgetAsync(AgentKey client)
    {
        // Expiry far beyond any run; the node returns what is left at expiry.
        var open = new BudgetOpen(client.Did, 1, BudgetAmount, 100_000_000);
        await ledger.FinalizeAsync(ledger.Sign(open, client));
        await cluster.GetGrain<IBudgetGrain>(open.BudgetId.ToString()).ActivateAsync();
        return open.BudgetId;
    }

    private async Task RunTaskAsync(AgentKey client, Hash32 budget, ImmutableArray<Hash32> schemas)
    {
        var input = $$"""{"text":"{{Guid.NewGuid():N}}"}""";
        var terms = new TaskTerms(client.Did, LoadAgents.Capability, Blake2b.Content(Encoding.UTF8.GetBytes(input)), LoadAgents.Price,
            DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(), Guid.NewGuid().ToString("N"));
        var id = terms.TaskId();
        var voucher = new TaskVoucher(budget, new Voucher(budget, id, terms.MaxPrice).Sign(client, ledger.ChainId));
        var task = cluster.GetGrain<ITaskGrain>(id.ToString());
        Check(await task.SubmitAsync(new SubmitTask(terms, input, schemas, voucher), null), "submit");
        var record = await WaitForAsync(task, TaskState.Verifying);
        Check(await task.ExecuteAsync(new AcceptResult(client.Did)), "accept");
        await WaitForAsync(task, TaskState.Settled, record.History.Length);
    }

    private static void Check(TaskReply reply, string step)
    {
        if (reply.Rejection is { } rejection)
        {
            throw new LoadFailure($"{step}:{rejection.Code ?? rejection.Kind.ToString()}", $"The task refused its {step}: {rejection}");
        }
    }

    /// <summary>Follows the task's history until it reaches <paramref name="state"/>; a terminal state other than it is a failure.</summary>
    private static async Task<TaskRecord> WaitForAsync(ITaskGrain task, TaskState state, int seen = 0)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < TaskLimit)
        {
            var record = await task.WaitForChangeAsync(seen, Slice) ?? throw new LoadFailure("task-missing", "The task grain knows no such task.");
            if (record.State == state)
            {
                return record;
            }

            if (record.State is TaskState.Failed or TaskState.Cancelled)
            {
                throw new LoadFailure($"task-{record.State.ToString().ToLowerInvariant()}", $"Task {record.Id} ended {record.State}: {record.Reason}");
            }

            seen = record.History.Length;
        }

        throw new LoadFailure($"not-{state.ToString().ToLowerInvariant()}-in-60s", $"The task did not reach {state} within {TaskLimit.TotalSeconds:F0} s.");
    }

    /// <summary>An agent's poller: takes up to <paramref name="batch"/> items, starts each, posts its input back as the output.</summary>
    private async Task ServeAsync(AgentKey agent, int batch, CancellationToken stop)
    {
        var feed = cluster.GetGrain<IAgentFeedGrain>(agent.Did.Value);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var items = await feed.NextAsync(batch, TimeSpan.FromSeconds(1));
                await Task.WhenAll(items.Where(i => i.Kind == FeedKind.Execute).Select(async item =>
                {
                    var task = cluster.GetGrain<ITaskGrain>(item.TaskId.ToString());
                    if ((await task.ExecuteAsync(new StartTask(agent.Did, item.Attempt))).Rejection is null)
                    {
                        await task.ExecuteAsync(new PostResult(agent.Did, item.Attempt, item.Input, Blake2b.Content(Encoding.UTF8.GetBytes(item.Input))));
                    }
                }));
            }
            catch (Exception e) when (e is TimeoutException or OrleansException && !stop.IsCancellationRequested)
            {
                // A silo lost or slow: the task offers the item again or its attempt times out; keep serving.
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }
}
