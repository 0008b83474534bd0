using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>The task API as the tests call it over real HTTP, with clients and remote agents on fresh keys.</summary>
internal sealed class TaskClient(IGatewayEndpoint gateway)
{
    /// <summary>The stake an agent needs (the node's default minimum).</summary>
    public const long MinStake = 10;

    /// <summary>The input schema test agents declare: an object with a string 'text'.</summary>
    public const string TextSchema = """{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}""";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public LedgerCalls Ledger { get; } = new(gateway);

    public IGatewayEndpoint Gateway => gateway;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A capability id no other test uses, so its roster holds only this test's agents.</summary>
    public static string NewCapability() => "test.echo-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A client with the faucet's grant.</summary>
    public async Task<AgentKey> ClientAsync()
    {
        var key = AgentKey.Generate();
        await Ledger.FundAsync(key);
        return key;
    }

    /// <summary>
    /// A funded remote agent offering <paramref name="capability"/> at <paramref name="price"/> with <paramref name="inputSchema"/>
    /// (default <see cref="TextSchema"/>), staked unless told not to.
    /// </summary>
    public async Task<AgentKey> AgentAsync(string capability, long price = 5, bool staked = true, bool deterministic = false, string inputSchema = TextSchema)
    {
        var key = AgentKey.Generate();
        await Ledger.FundAsync(key);
        if (staked)
        {
            await StakeAsync(key);
        }

        var registered = await RegisterAsync(key, capability, inputSchema, price, deterministic);
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await SignedClient.DescribeAsync(registered));
        return key;
    }

    /// <summary>Registers <paramref name="key"/> as a remote agent with one capability and returns the gateway's answer.</summary>
    public Task<HttpResponseMessage> RegisterAsync(AgentKey key, string capability, string inputSchema, long price = 5, bool deterministic = false)
    {
        var manifest = $$$"""
            {"name":"echo","version":"1.0.0","capabilities":[{"id":"{{{capability}}}","description":"Echoes its input.","price":{{{price}}},
             "deterministic":{{{(deterministic ? "true" : "false")}}},"inputSchema":{{{inputSchema}}},"outputSchema":{"type":"object"}}],"runtime":{"kind":"remote"}}
            """;
        return Ledger.PostAsync(key, "/v1/agents", $"{{\"did\":{JsonSerializer.Serialize(key.Did.Value)},\"manifest\":{manifest}}}");
    }

    /// <summary>Stakes <see cref="MinStake"/> for <paramref name="agent"/> (its first ledger transaction) and expects it final.</summary>
    public async Task StakeAsync(AgentKey agent)
    {
        var stake = SignedTransaction.Sign(new Stake(agent.Did, MinStake, 1), agent, LedgerCalls.ChainId);
        await HttpAssert.JsonAsync(await Ledger.PostAsync(agent, "/v1/stake", LedgerCalls.SubmitBody(stake.Encoded.Span)), HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> PostAsync(AgentKey key, string path, string body) => Ledger.PostAsync(key, path, body);

    public Task<HttpResponseMessage> GetSignedAsync(AgentKey key, string path, string query = "") =>
        gateway.Http.SendAsync(RequestSigner.SignedGet(key, gateway.Address, path, query), Ct);

    public Task<HttpResponseMessage> GetAsync(string path) => Ledger.GetAsync(path);

    /// <summary>Submits <paramref name="draft"/> (paid by its lock, or by <paramref name="body"/>'s payment) and expects 202 with its id.</summary>
    public async Task<JsonElement> SubmitAsync(TaskDraft draft, string? body = null)
    {
        var response = await PostAsync(draft.Client, "/v1/tasks", body ?? draft.Body());
        var view = await HttpAssert.JsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal($"/v1/tasks/{draft.Id}", response.Headers.Location?.OriginalString);
        return view;
    }

    public async Task<JsonElement> TaskAsync(Hash32 id) => await HttpAssert.JsonAsync(await GetAsync($"/v1/tasks/{id}"), HttpStatusCode.OK);

    /// <summary>Polls the task until its state is one of <paramref name="states"/>.</summary>
    public Task<JsonElement> WaitForStateAsync(Hash32 id, params string[] states) =>
        WaitForAsync(id, t => states.Contains(t.GetProperty("state").GetString()), $"state {string.Join("|", states)}");

    /// <summary>Polls the task until its payment hold is <paramref name="payment"/>.</summary>
    public Task<JsonElement> WaitForPaymentAsync(Hash32 id, string payment) =>
        WaitForAsync(id, t => t.GetProperty("payment").GetString() == payment, $"payment {payment}");

    /// <summary>Polls the task until <paramref name="reached"/> holds of it (<paramref name="what"/> names that in a failure).</summary>
    public async Task<JsonElement> WaitForAsync(Hash32 id, Func<JsonElement, bool> reached, string what)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            // Not found yet: submitted by a concurrent caller (the CLI) that has not got there.
            var response = await GetAsync($"/v1/tasks/{id}");
            var task = response.StatusCode == HttpStatusCode.NotFound ? default : await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
            if (task.ValueKind == JsonValueKind.Object && reached(task))
            {
                return task;
            }

            Assert.True(started.Elapsed < Patience, $"task {id} did not reach {what} in {Patience}: {task}");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>Long-polls <paramref name="agent"/>'s feed until it hands out an item.</summary>
    public async Task<JsonElement> NextAsync(AgentKey agent)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            var response = await GetSignedAsync(agent, $"/v1/agents/{agent.Did}/tasks/next", "?wait=5");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
            }

            Assert.True(response.StatusCode == HttpStatusCode.NoContent, await SignedClient.DescribeAsync(response));
            Assert.True(started.Elapsed < Patience, $"no item for agent {agent.Did} in {Patience}");
        }
    }

    /// <summary>The body of a result: the output's exact text and its hash (or <paramref name="hash"/>).</summary>
    public static string ResultBody(int attempt, string output, string? hash = null) =>
        $"{{\"attempt\":{attempt},\"output\":{output},\"outputHash\":\"{hash ?? Blake2b.Content(Encoding.UTF8.GetBytes(output)).ToString()}\"}}";

    /// <summary>
    /// The client's signed lock of <paramref name="amount"/> under the task's dispute-bond escrow, as the dispute body;
    /// it expires at the task's <c>result.bondLockExpiry</c> unless <paramref name="expiry"/> says otherwise.
    /// </summary>
    public async Task<string> DisputeBodyAsync(AgentKey client, Hash32 taskId, long amount = TaskNodeFixture.DisputeBond, Hash32? escrowId = null, long? expiry = null)
    {
        expiry ??= (await TaskAsync(taskId)).GetProperty("result").GetProperty("bondLockExpiry").GetInt64();
        var bondLock = SignedTransaction.Sign(new EscrowLock(client.Did, escrowId ?? TaskEscrows.DisputeBond(taskId), amount, expiry.Value), client, LedgerCalls.ChainId);
        return $"{{\"reason\":\"wrong\",\"bondLock\":\"{Convert.ToBase64String(bondLock.Encoded.Span)}\"}}";
    }

    /// <summary>
    /// A task of a staked agent, run up to Verifying: submitted, taken by the agent (returned with the item), result posted.
    /// Without <paramref name="capability"/>, a fresh one.
    /// </summary>
    /// <summary>Submits a task whose only agent gives up its first attempt, which is requeued; the task's draft.</summary>
    public async Task<TaskDraft> GivenUpOnceAsync()
    {
        var capability = NewCapability();
        var quitter = await AgentAsync(capability);
        var failing = TaskDraft.For(await ClientAsync(), capability);
        await SubmitAsync(failing);
        var item = await NextAsync(quitter);
        await HttpAssert.JsonAsync(
            await PostAsync(quitter, $"/v1/tasks/{failing.Id}/result", $"{{\"attempt\":{item.GetProperty("attempt").GetInt32()},\"error\":\"gave up\"}}"), HttpStatusCode.OK);
        return failing;
    }

    /// <summary>
    /// The gateway's /metrics once it has every one of <paramref name="names"/>: a task's metrics are recorded just
    /// after its state is written, a block's just after its waiters are told.
    /// </summary>
    public async Task<string> MetricsWithAsync(params string[] names)
    {
        var metrics = "";
        for (var attempt = 0; attempt < 50 && !names.All(n => metrics.Contains(n, StringComparison.Ordinal)); attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 100, TestContext.Current.CancellationToken);
            metrics = await gateway.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        }

        return metrics;
    }

    public async Task<(TaskDraft Draft, AgentKey Agent, JsonElement Item)> VerifyingAsync(string? capability = null, bool deterministic = false)
    {
        capability ??= NewCapability();
        var agent = await AgentAsync(capability, deterministic: deterministic);
        var draft = TaskDraft.For(await ClientAsync(), capability);
        await SubmitAsync(draft);
        var item = await NextAsync(agent);
        var attempt = item.GetProperty("attempt").GetInt32();
        // The output is the input, compacted as 'ainur agent run' compacts what its command prints: a verifier re-running
        // a deterministic capability that way gets the same text, hence the same hash.
        var output = JsonSerializer.Serialize(item.GetProperty("input"));
        await HttpAssert.JsonAsync(await PostAsync(agent, $"/v1/tasks/{draft.Id}/result", ResultBody(attempt, output)), HttpStatusCode.OK);
        return (draft, agent, item);
    }
}
