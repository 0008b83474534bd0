using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Modules;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Interfaces.Runtime;
using Ainur.Grains.Runtime;
using Ainur.Grains.Tests.Tasks;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Tasks;
using Ainur.Testing.Wasm;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.Grains.Tests.Runtime;

/// <summary>
/// Hosted agents on a two-silo cluster with the real ledger: the node runs the module, re-executes it on the other silo,
/// settles on the result two executions agree on without a challenge window, and pays, fails or slashes as the task
/// rules say. Tampering is keyed by a marker in each test's own input, so the tests share the cluster safely.
/// </summary>
[Collection(TaskWorldCollection.Name)]
public sealed class HostedTaskTests(TaskWorld world)
{
    private const string Schema = """{"type":"object","required":["text"]}""";

    [Fact]
    public async Task HostedEcho_SettlesAtOnceOnTheVerifiedOutput_AgentPaidLikeARemoteOne()
    {
        var capability = Fresh("hosted.echo");
        var agent = await EnlistHostedAsync(capability, WasmExamples.Echo, price: 40);
        var client = await world.NewAccountAsync();
        var agentBefore = (await world.AccountAsync(agent.Did)).Account.Balance;
        var input = $$"""{"text":"{{Guid.NewGuid()}}"}""";

        var (id, reply) = await world.SubmitAsync(client, capability, input, maxPrice: 50);
        Assert.Null(reply.Rejection);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        Assert.Equal(input, settled.Result!.Output);
        Assert.Equal(settled.Result.PostedAt, settled.Result.WindowEndsAt);
        Assert.Equal([TaskState.Pending, TaskState.Assigned, TaskState.Executing, TaskState.Verifying, TaskState.Complete, TaskState.Settled],
            settled.History.Where(t => t.From != t.To).Select(t => t.To));
        var verified = Assert.Single(settled.History, t => t.Cause == "verified");
        Assert.StartsWith("verified by re-execution: 2 of 2 executions agree", verified.Detail, StringComparison.Ordinal);
        Assert.Equal(agentBefore + 40 - 0, (await world.AccountAsync(agent.Did)).Account.Balance);
        Assert.Equal(1, (await world.Grains.GetGrain<IReputationGrain>(agent.Did.Value).GetAsync()).Completed);
    }

    [Fact]
    public async Task HostedTask_PaidFromABudget_Settles()
    {
        var capability = Fresh("hosted.budget");
        var agent = await EnlistHostedAsync(capability, WasmExamples.Echo, price: 20);
        var client = await world.NewAccountAsync();
        var budget = await world.OpenBudgetAsync(client, 1000);
        var agentBefore = (await world.AccountAsync(agent.Did)).Account.Balance;

        var (id, reply) = await world.SubmitFromBudgetAsync(client, budget, capability, maxPrice: 30);
        Assert.Null(reply.Rejection);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        Assert.Equal(HoldState.Released, settled.Payment);
        Assert.Equal(agentBefore + 20, (await world.AccountAsync(agent.Did)).Account.Balance);
    }

    [Fact]
    public async Task HostedBudgetTask_TheNodesStartSharesTheVerifiedResultsWrite_ThreeTaskWritesInAll()
    {
        var capability = Fresh("hosted.writes");
        await EnlistHostedAsync(capability, WasmExamples.Echo, price: 5);
        var client = await world.NewAccountAsync();
        var budget = await world.OpenBudgetAsync(client, 100);

        var (id, reply) = await world.SubmitFromBudgetAsync(client, budget, capability, maxPrice: 5);
        Assert.Null(reply.Rejection);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        // Submit with its assignment, the start with the verified result, the settlement with its report.
        Assert.Equal(3, world.TaskWrites.StoredWritesOf(id.ToString()));
        Assert.Equal([TaskState.Pending, TaskState.Assigned, TaskState.Executing, TaskState.Verifying, TaskState.Complete, TaskState.Settled],
            settled.History.Where(t => t.From != t.To).Select(t => t.To));
    }

    [Fact]
    public async Task Reexecution_RunsOnTheOtherSilo()
    {
        var module = await UploadAsync(WasmExamples.Echo);
        var silos = world.Cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).ToList();
        Assert.Equal(2, silos.Count);
        foreach (var first in silos)
        {
            for (var slot = 1; slot <= 2; slot++)
            {
                var report = await world.Grains.GetGrain<IVerifierGrain>(VerifierKeys.Away(first, slot)).ReexecuteAsync(new ExecutionRequest(module, """{"text":"x"}""", null, null));
                Assert.Equal("""{"text":"x"}""", report.Output);
                Assert.NotEqual(first, report.Silo);
            }
        }
    }

    [Fact]
    public async Task SameModuleAndInput_SameOutputHashOnEverySilo_ThousandsOfTimes()
    {
        var module = await UploadAsync(WasmExamples.JsonUpper);
        var silos = world.Cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).ToList();
        var request = new ExecutionRequest(module, """{"list":["a","b",{"c":"dé"}],"n":1.5e3,"s":"x"}""", null, null);
        var reports = new List<ExecutionReport>();
        for (var round = 0; round < 10; round++)
        {
            // Verifiers away from each silo run on the other one: both silos, 100 executions each per round.
            reports.AddRange(await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
                world.Grains.GetGrain<IVerifierGrain>(VerifierKeys.Away(silos[i % 2], 1)).ReexecuteAsync(request))));
        }

        Assert.Equal(2000, reports.Count);
        Assert.Equal(silos.ToHashSet(), reports.Select(r => r.Silo).ToHashSet());
        Assert.Single(reports.Select(r => (r.OutputHash, r.FuelUsed)).Distinct());
        Assert.NotNull(reports[0].OutputHash);
    }

    [Fact]
    public async Task CorruptedFirstExecution_CaughtByReexecution_TaskSettlesOnTheAgreedResult_LoserRecorded()
    {
        var capability = Fresh("hosted.corrupt");
        var agent = await EnlistHostedAsync(capability, WasmExamples.Echo, price: 10);
        var client = await world.NewAccountAsync();
        var marker = Guid.NewGuid().ToString();
        var input = $$"""{"text":"{{marker}}"}""";
        // Every silo's executor corrupts the first execution of this input (the one that publishes logs), whichever silo runs it.
        using var tamper = Tamper((request, outcome) => request.LogTask is not null && request.Input.Contains(marker, StringComparison.Ordinal)
            ? outcome with { Output = """{"text":"forged"}""", OutputHash = Blake2b.Content("""{"text":"forged"}"""u8) }
            : outcome);

        var (id, _) = await world.SubmitAsync(client, capability, input, maxPrice: 10);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled && t.IsClosed);

        Assert.Equal(input, settled.Result!.Output);
        var verified = Assert.Single(settled.History, t => t.Cause == "verified");
        Assert.StartsWith("verified by re-execution: 2 of 3 executions agree", verified.Detail, StringComparison.Ordinal);
        var executions = verified.Detail![(verified.Detail!.IndexOf('(', StringComparison.Ordinal) + 1)..^1].Split(", #");
        Assert.EndsWith("(lost)", executions[0], StringComparison.Ordinal);
        var firstSilo = executions[0].Split(' ')[1];
        Assert.All(executions[1..], e => Assert.DoesNotContain(firstSilo, e, StringComparison.Ordinal));
        Assert.Equal(1, (await world.Grains.GetGrain<IReputationGrain>(agent.Did.Value).GetAsync()).Completed);
    }

    [Fact]
    public async Task NonDeterministicModule_AttemptFails_ModuleMarked_AgentSlashed()
    {
        var capability = Fresh("hosted.nondeterministic");
        var bytes = WasmExamples.FreshEcho();
        var agent = await EnlistHostedAsync(capability, bytes, price: 10);
        var client = await world.NewAccountAsync();
        var marker = Guid.NewGuid().ToString();
        using var tamper = Diverging(request => request.Input.Contains(marker, StringComparison.Ordinal));
        var stakeBefore = (await world.AccountAsync(agent.Did)).Account.Stake;

        var (id, _) = await world.SubmitAsync(client, capability, $$"""{"text":"{{marker}}"}""", maxPrice: 10, deadline: TimeSpan.FromSeconds(8));
        var failed = await world.WaitForAsync(id, t => t.State == TaskState.Failed && t.IsClosed, TimeSpan.FromSeconds(60));

        var rejected = Assert.Single(failed.History, t => t.Cause == "non-deterministic");
        Assert.Contains("3 executions, no two agree", rejected.Detail, StringComparison.Ordinal);
        Assert.Equal([agent.Did], failed.Slashed);
        Assert.Equal(stakeBefore - world.Policy.MinStake, (await world.AccountAsync(agent.Did)).Account.Stake);
        Assert.Equal(1, (await world.Grains.GetGrain<IReputationGrain>(agent.Did.Value).GetAsync()).DisputesLost);
        Assert.NotNull((await world.Grains.GetGrain<IModuleRegistryGrain>(0).GetAsync(Blake2b.Content(bytes)))!.NonDeterministic);
    }

    [Fact]
    public async Task NonDeterministicModule_OfABudgetTask_SlashesOnce_AndTheSettlementSentAgainIsRefusedWhole()
    {
        var capability = Fresh("hosted.nondeterministic.budget");
        var bytes = WasmExamples.FreshEcho();
        var agent = await EnlistHostedAsync(capability, bytes, price: 10);
        var client = await world.NewAccountAsync();
        var budget = await world.OpenBudgetAsync(client, 100);
        using var tamper = Diverging(request => request.Module == Blake2b.Content(bytes));
        var stakeBefore = (await world.AccountAsync(agent.Did)).Account.Stake;

        var (id, _) = await world.SubmitFromBudgetAsync(client, budget, capability, maxPrice: 10, deadline: TimeSpan.FromSeconds(8));
        var failed = await world.WaitForAsync(id, t => t.State == TaskState.Failed && t.IsClosed, TimeSpan.FromSeconds(60));
        tamper.Dispose();

        Assert.Equal([agent.Did], failed.Slashed);
        var slashed = stakeBefore - world.Policy.MinStake;
        Assert.Equal(slashed, (await world.AccountAsync(agent.Did)).Account.Stake);
        var unit = TaskSettlement.Plan(failed with { State = TaskState.Failed, Payment = HoldState.Locked }, world.Policy, 0, new Dictionary<Did, long> { [agent.Did] = slashed }).Operations;
        Assert.False((await world.Grains.GetGrain<IOrchestratorGrain>(0).ExecuteAsync(unit)).Final);
        Assert.Equal(slashed, (await world.AccountAsync(agent.Did)).Account.Stake);
    }

    [Fact]
    public async Task HostileModules_EachFailsItsAttemptWithItsReason_WhileEchoTasksOnTheSameSilosComplete()
    {
        var client = await world.NewAccountAsync();
        var hostile = new List<(Hash32 Id, string Code)>();
        foreach (var (example, code) in WasmExamples.HostileRuns)
        {
            var capability = Fresh("hosted.hostile");
            await EnlistHostedAsync(capability, example, price: 1);
            hostile.Add(((await world.SubmitAsync(client, capability, """{"text":"attack"}""", maxPrice: 1)).Id, code));
        }

        var echo = Fresh("hosted.beside");
        await EnlistHostedAsync(echo, WasmExamples.Echo, price: 1);
        var echoes = new List<Hash32>();
        for (var i = 0; i < 10; i++)
        {
            echoes.Add((await world.SubmitAsync(client, echo, $$"""{"text":"{{i}}"}""", maxPrice: 1)).Id);
        }

        foreach (var id in echoes)
        {
            await world.WaitForAsync(id, t => t.State == TaskState.Settled);
        }

        foreach (var (id, code) in hostile)
        {
            var requeued = await world.WaitForAsync(id, t => t.FailedAgents.Length == 1 && t.Reason is not null);
            Assert.StartsWith($"wasm:{code}:", requeued.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HostedAttempt_TheAgentsOwnKeyCannotPostForIt()
    {
        var capability = Fresh("hosted.forbidden");
        var agent = await EnlistHostedAsync(capability, WasmExamples.Echo, price: 1);
        var client = await world.NewAccountAsync();
        var (id, _) = await world.SubmitAsync(client, capability, """{"text":"mine"}""", maxPrice: 1);
        var assigned = await world.WaitForAsync(id, t => t.Agent == agent.Did);

        var forged = """{"text":"forged by the agent"}""";
        var post = await world.Task(id).ExecuteAsync(new PostResult(agent.Did, assigned.Attempt, forged, Blake2b.Content(System.Text.Encoding.UTF8.GetBytes(forged))));

        Assert.Equal(TaskRejectionKind.Forbidden, post.Rejection?.Kind);
        var settled = await world.WaitForAsync(id, t => t.State == TaskState.Settled);
        Assert.Equal("""{"text":"mine"}""", settled.Result!.Output);
    }

    private static string Fresh(string prefix) => $"{prefix}.{Guid.NewGuid():N}";

    /// <summary>Every execution that <paramref name="applies"/> to gives another output than any before it, until disposed.</summary>
    private Restore Diverging(Func<ExecutionRequest, bool> applies)
    {
        var counter = 0;
        return Tamper((request, outcome) =>
        {
            if (!applies(request))
            {
                return outcome;
            }

            var output = $$"""{"n":{{Interlocked.Increment(ref counter)}}}""";
            return outcome with { Output = output, OutputHash = Blake2b.Content(System.Text.Encoding.UTF8.GetBytes(output)) };
        });
    }

    /// <summary>Sets <paramref name="tamper"/> on every silo's executor until disposed.</summary>
    private Restore Tamper(Func<ExecutionRequest, ExecutionOutcome, ExecutionOutcome> tamper)
    {
        var faults = world.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<ExecutorFaults>()).ToList();
        foreach (var f in faults)
        {
            f.Tamper = tamper;
        }

        return new Restore(() => faults.ForEach(f => f.Tamper = null));
    }

    private async Task<Hash32> UploadAsync(byte[] bytes)
    {
        var upload = await world.Grains.GetGrain<IModuleRegistryGrain>(0).UploadAsync(bytes, (await world.NewAccountAsync(1)).Did);
        Assert.Null(upload.RefusalCode);
        return upload.Hash;
    }

    private Task<Hash32> UploadAsync(string example) => UploadAsync(WasmExamples.Bytes(example));

    private Task<AgentKey> EnlistHostedAsync(string capability, string example, long price) => EnlistHostedAsync(capability, WasmExamples.Bytes(example), price);

    private async Task<AgentKey> EnlistHostedAsync(string capability, byte[] module, long price)
    {
        var hash = await UploadAsync(module);
        var agent = await world.NewAccountAsync();
        var manifest = new AgentManifest("hosted", "1.0.0", [new Capability(capability, "Runs a hosted module.", price, Schema, "{}", true)],
            new AgentRuntime(RuntimeKind.Wasm, hash.ToString()), null);
        Assert.Null((await world.Grains.GetGrain<IAgentGrain>(agent.Did.Value).RegisterAsync(new RegisterAgent(agent.Did, manifest))).Rejection);
        await world.StakeAsync(agent, 100);
        return agent;
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
