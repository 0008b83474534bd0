using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Budgets;
using Ainur.Gateway.Tests.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Gateway.Tests.Durability;

/// <summary>The kill -9 test's tasks paid from a budget.</summary>
public sealed partial class TaskDurabilityTests
{
    private const long BudgetAmount = 100;

    /// <summary>
    /// One client's budget paying four tasks: one executing, one whose result and accept (its voucher's settlement) and one whose
    /// submit (its reservation) are sent just before the kill, and one cancelled just before the kill (its reservation's
    /// release). After the restart the client closes the budget. The check: the budget is returned, holds no
    /// reservation, and spent exactly the three settled prices (so no voucher was paid twice).
    /// </summary>
    private static async Task<(List<Scenario> Scenarios, Func<TaskClient, Task> Check)> BudgetScenariosAsync(TaskClient tasks)
    {
        var owner = await tasks.ClientAsync();
        var (budget, _) = await new BudgetCalls(tasks.Ledger).OpenAsync(owner, BudgetAmount);

        var (executing, executingAgent, attempt) = await BudgetTaskAsync(tasks, owner, budget);
        await tasks.WaitForStateAsync(executing.Id, "executing");
        var (complete, completeAgent, completeAttempt) = await BudgetTaskAsync(tasks, owner, budget);
        var fresh = TaskClient.NewCapability();
        var freshAgent = await tasks.AgentAsync(fresh);
        var submitted = TaskDraft.For(owner, fresh);
        var stuck = TaskClient.NewCapability();
        await tasks.AgentAsync(stuck, staked: false);
        var cancelled = TaskDraft.For(owner, stuck);
        await tasks.SubmitAsync(cancelled, cancelled.BudgetBody(budget));

        // The owner's balance: the budget's rest comes back once it is closed and its tasks are done.
        Expected[] OwnerAndAgent(AgentKey agent) => [new(owner, Grant - (3 * Price), 0), AgentPaid(agent)];
        List<Scenario> scenarios =
        [
            new("budget: executing", executing, ["executing"], Ends("settled", "released"), OwnerAndAgent(executingAgent),
                Resume: after => FinishAsync(after, executing, executingAgent, attempt)),
            new("budget: complete, voucher settlement in flight", complete, ["complete", "settled"], Ends("settled", "released"), [AgentPaid(completeAgent)],
                Lastly: async t =>
                {
                    // Result and accept together: no challenge window can end between them while the other tasks are driven.
                    await HttpAssert.JsonAsync(await t.PostAsync(completeAgent, $"/v1/tasks/{complete.Id}/result", TaskClient.ResultBody(completeAttempt, "{}")), HttpStatusCode.OK);
                    return await PostAsync(t, owner, $"/v1/tasks/{complete.Id}/accept");
                }),
            new("budget: submitted, reservation in flight", submitted, ["pending", "assigned"], Ends("settled", "released"), [AgentPaid(freshAgent)],
                Resume: after => TakeAndFinishAsync(after, submitted, freshAgent),
                Lastly: t => t.SubmitAsync(submitted, submitted.BudgetBody(budget))),
            new("budget: cancelled, release in flight", cancelled, ["cancelled"], Ends("cancelled", "refunded"), [],
                Resume: async after =>
                    await HttpAssert.JsonAsync(await after.PostAsync(owner, $"/v1/budgets/{budget}/close", BudgetCalls.CloseBody(owner, budget)), HttpStatusCode.OK),
                Lastly: t => PostAsync(t, owner, $"/v1/tasks/{cancelled.Id}/cancel")),
        ];
        return (scenarios, async after =>
        {
            var view = await new BudgetCalls(after.Ledger).GetAsync(budget);
            Assert.Equal(("returned", 3 * Price, 0L, 0, 0L),
                (view.GetProperty("status").GetString(), view.GetProperty("spent").GetInt64(), view.GetProperty("remaining").GetInt64(),
                 view.GetProperty("reservedTasks").GetInt32(), view.GetProperty("reservedAmount").GetInt64()));
        });
    }

    /// <summary>A task of a fresh capability paid from <paramref name="budget"/>, taken by its staked agent.</summary>
    private static async Task<(TaskDraft Draft, AgentKey Agent, int Attempt)> BudgetTaskAsync(TaskClient tasks, AgentKey owner, Hash32 budget)
    {
        var capability = TaskClient.NewCapability();
        var agent = await tasks.AgentAsync(capability);
        var draft = TaskDraft.For(owner, capability);
        await tasks.SubmitAsync(draft, draft.BudgetBody(budget));
        return (draft, agent, (await tasks.NextAsync(agent)).GetProperty("attempt").GetInt32());
    }

    private static Expected AgentPaid(AgentKey agent) => new(agent, Grant - Stake + Price - Fee, Stake);
}
