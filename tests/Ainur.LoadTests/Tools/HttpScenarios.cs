using System.Net;
using System.Security.Cryptography;
using Ainur.Protocol.Identity;
using Ainur.Testing.Http;

namespace Ainur.LoadTests.Tools;

/// <summary>A new agent registered per operation: a fresh key, a signed <c>POST /v1/agents</c>, 201.</summary>
internal sealed class HttpRegisterScenario(HttpLedger ledger) : ILoadScenario
{
    public string Name => "register";

    public string Description => "signed POST /v1/agents, new agent (201, durable write)";

    public Task<LoadOperation> PrepareAsync(int concurrency) => Task.FromResult<LoadOperation>(async (_, _) =>
    {
        using var key = AgentKey.Generate();
        await ledger.SendAsync(RequestSigner.SignedPost(key, ledger.Http.BaseAddress!, "/v1/agents", RequestSigner.RegistrationBody(key.Did)), HttpStatusCode.Created);
    });

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A signed <c>POST /v1/transfers?wait=30</c> per operation, answered once final (200).</summary>
internal sealed class HttpTransferScenario(HttpLedger ledger) : OwningScenario
{
    private AgentKey[] _senders = [];

    public override string Name => "transfers";

    public override string Description => "signed POST /v1/transfers, submit -> final (200)";

    public override async Task<LoadOperation> PrepareAsync(int concurrency)
    {
        _senders = NewKeys(concurrency);
        await ledger.FundAsync(_senders);
        var nonces = new long[concurrency];
        var payees = Enumerable.Range(0, 1024).Select(_ => Did.FromPublicKey(RandomNumberGenerator.GetBytes(32))).ToArray();
        return (w, i) => ledger.TransferAsync(_senders[w], payees[i % payees.Length], 1, ++nonces[w]);
    }
}

/// <summary>
/// Paid tasks over HTTP with the task benchmark's clients and remote agents (<see cref="TaskBenchClient"/>,
/// <see cref="TaskBenchAgents"/>): budgets and vouchers, agents taking batches from their feeds; submit to settled.
/// They fund themselves from the faucet, so this scenario needs a standalone node.
/// </summary>
internal sealed class HttpTaskScenario(HttpLedger ledger, int agentCount) : OwningScenario
{
    public override string Name => "tasks";

    public override string Description => "budget-paid task over HTTP: submit -> agent poll, result -> accept -> settled (event stream)";

    public override async Task<LoadOperation> PrepareAsync(int concurrency)
    {
        var http = ledger.Http;
        var keys = NewKeys(agentCount);
        var agents = new TaskBenchAgents(http);
        await ledger.FundAsync(keys);
        await Parallel.ForEachAsync(keys, async (key, _) => await agents.EnlistAsync(key));
        var clients = new TaskBenchClient[concurrency];
        await Parallel.ForEachAsync(Enumerable.Range(0, concurrency), async (i, _) => clients[i] = await TaskBenchClient.CreateAsync(http, budget: true));
        var batch = Math.Clamp(concurrency / agentCount, 1, 64);
        Serve(keys.Select(k => agents.ServeBatchedAsync(k, 2, batch, Stopping)));
        return async (w, _) => await clients[w].RunTaskAsync(agents);
    }
}
