using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Ainur.Testing.Http;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>Whatever a caller sends to the task endpoints, a bad request is a 4xx problem+json and changes nothing.</summary>
[Collection(TaskNodeCollection.Name)]
public sealed class TaskBadInputTests(TaskNodeFixture fixture)
{
    private readonly TaskClient _tasks = new(fixture.Gateway);

    public static TheoryData<string, string, string?> MalformedSubmissions => new()
    {
        { "not JSON", "*", "{\"capability\":" },
        { "an array", "*", "[]" },
        { "missing input", "input", null },
        { "missing payment lock", "paymentLock", null },
        { "price as text", "maxPrice", "\"8\"" },
        { "fractional price", "maxPrice", "8.5" },
        { "null salt", "salt", "null" },
        { "unknown member", "admin", "true" },
        { "deadline without offset", "deadline", "\"2030-01-01T00:00:00\"" },
        { "deadline as a date", "deadline", "\"2030-01-01\"" },
        { "deadline as a number", "deadline", "1893456000000" },
    };

    [Theory]
    [MemberData(nameof(MalformedSubmissions))]
    public async Task Submit_MalformedBody_Is400AndCreatesNothing(string why, string member, string? json)
    {
        var draft = await DraftAsync();
        var body = member == "*" ? json! : draft.Body(replace: new Dictionary<string, string?> { [member] = json });

        var problem = await HttpAssert.ProblemAsync(await _tasks.PostAsync(draft.Client, "/v1/tasks", body), HttpStatusCode.BadRequest, "malformed-body");

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), why);
        await AssertNothingAsync(draft);
    }

    public static TheoryData<string, string, string> UnacceptableTerms => new()
    {
        { "capability id with spaces", "capability", "\"Not An Id\"" },
        { "empty capability", "capability", "\"\"" },
        { "zero price", "maxPrice", "0" },
        { "negative price", "maxPrice", "-5" },
        { "empty salt", "salt", "\"\"" },
        { "long salt", "salt", JsonSerializer.Serialize(new string('s', 65)) },
        { "deadline passed", "deadline", "\"2020-01-01T00:00:00Z\"" },
        { "deadline too far", "deadline", "\"2999-01-01T00:00:00+02:00\"" },
    };

    [Theory]
    [MemberData(nameof(UnacceptableTerms))]
    public async Task Submit_UnacceptableTerms_Is422AndCreatesNothing(string why, string member, string json)
    {
        var draft = await DraftAsync();

        var problem = await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(draft.Client, "/v1/tasks", draft.Body(replace: new Dictionary<string, string?> { [member] = json })),
            HttpStatusCode.UnprocessableEntity, "invalid-terms");

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), why);
        await AssertNothingAsync(draft);
    }

    [Fact]
    public async Task Submit_InputOverTheCap_Is413AndCreatesNothing()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var client = await _tasks.ClientAsync();
        var exactlyAtCap = TaskDraft.For(client, capability, input: Text(TaskNodeFixture.MaxJsonBytes));
        var overCap = TaskDraft.For(client, capability, input: Text(TaskNodeFixture.MaxJsonBytes + 1));

        await HttpAssert.ProblemAsync(await _tasks.PostAsync(client, "/v1/tasks", overCap.Body()), HttpStatusCode.RequestEntityTooLarge, "input-too-large");
        await AssertNothingAsync(overCap);

        // The cap is on the input's own text, not the body: exactly at the cap is accepted.
        await _tasks.SubmitAsync(exactlyAtCap);

        // {"text":"xxx…"} with the given total length in bytes.
        static string Text(int bytes) => $"{{\"text\":\"{new string('x', bytes - 11)}\"}}";
    }

    [Fact]
    public async Task Submit_WrongPaymentLock_IsRefused_AndNeverReachesTheLedger()
    {
        var draft = await DraftAsync();
        using var other = AgentKey.Generate();
        var right = new EscrowLock(draft.Client.Did, TaskEscrows.Payment(draft.Id), draft.MaxPrice, draft.Terms.Deadline);
        var cases = new (string Why, SignedTransaction Lock, HttpStatusCode Status, string Code)[]
        {
            ("a transfer", draft.PaymentLock(new Transfer(draft.Client.Did, other.Did, draft.MaxPrice, 1)), HttpStatusCode.UnprocessableEntity, "invalid-escrow-lock"),
            ("another payer", draft.PaymentLock(right with { Payer = other.Did }, other), HttpStatusCode.UnprocessableEntity, "invalid-escrow-lock"),
            ("the bond escrow", draft.PaymentLock(right with { EscrowId = TaskEscrows.DisputeBond(draft.Id) }), HttpStatusCode.UnprocessableEntity, "invalid-escrow-lock"),
            ("another task's escrow", draft.PaymentLock(right with { EscrowId = TaskEscrows.Payment((draft with { Salt = "other" }).Id) }), HttpStatusCode.UnprocessableEntity, "invalid-escrow-lock"),
            ("less than maxPrice", draft.PaymentLock(right with { Amount = draft.MaxPrice - 1 }), HttpStatusCode.UnprocessableEntity, "invalid-escrow-lock"),
            ("more than maxPrice", draft.PaymentLock(right with { Amount = draft.MaxPrice + 1 }), HttpStatusCode.UnprocessableEntity, "invalid-escrow-lock"),
            ("an expiry after the deadline", draft.PaymentLock(right with { Expiry = draft.Terms.Deadline + 1 }), HttpStatusCode.UnprocessableEntity, "invalid-escrow-lock"),
            ("another chain", draft.PaymentLock(chainId: "another-chain"), HttpStatusCode.BadRequest, "invalid-tx-signature"),
            ("signed by someone else", SignedTransaction.FromParts(right, other.Sign(SignedTransaction.SigningBytes(LedgerCalls.ChainId, right))), HttpStatusCode.BadRequest, "invalid-tx-signature"),
        };

        foreach (var (why, paymentLock, status, code) in cases)
        {
            var problem = await HttpAssert.ProblemAsync(await _tasks.PostAsync(draft.Client, "/v1/tasks", draft.Body(paymentLock)), status, code);
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), why);
            Assert.Equal("unknown", await _tasks.Ledger.TxStatusAsync(paymentLock.Id.ToString()));
        }

        var truncated = draft.PaymentLock().Encoded.Span[..^1].ToArray();
        foreach (var text in new[] { "%%%", Convert.ToBase64String(truncated), Convert.ToBase64String(new byte[] { 9, 9, 9 }) })
        {
            await HttpAssert.ProblemAsync(
                await _tasks.PostAsync(draft.Client, "/v1/tasks", draft.Body(replace: new Dictionary<string, string?> { ["paymentLock"] = JsonSerializer.Serialize(text) })),
                HttpStatusCode.BadRequest, "malformed-transaction");
        }

        await AssertNothingAsync(draft);
        Assert.Equal(LedgerCalls.Grant, (await _tasks.Ledger.AccountAsync(draft.Client.Did)).Balance);
    }

    [Fact]
    public async Task Submit_ByAClientShortOfMaxPrice_Is422_AndTheLockIsNeitherStoredNorSubmitted()
    {
        var funded = await DraftAsync();
        using var poor = AgentKey.Generate();
        var draft = funded with { Client = poor };

        var problem = await HttpAssert.ProblemAsync(await _tasks.PostAsync(poor, "/v1/tasks", draft.Body()), HttpStatusCode.UnprocessableEntity, "insufficient-balance");

        Assert.Contains($"locks {draft.MaxPrice} credits", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("unknown", await _tasks.Ledger.TxStatusAsync(draft.PaymentLock().Id.ToString()));
        await AssertNothingAsync(draft);
    }

    [Fact]
    public async Task Submit_CapabilityNoAgentOffers_Is422()
    {
        var draft = TaskDraft.For(await _tasks.ClientAsync(), TaskClient.NewCapability());

        await HttpAssert.ProblemAsync(await _tasks.PostAsync(draft.Client, "/v1/tasks", draft.Body()), HttpStatusCode.UnprocessableEntity, "unknown-capability");

        await AssertNothingAsync(draft);
    }

    [Theory]
    [InlineData("{\"words\":\"no text member\"}", "")]
    [InlineData("{\"text\":42}", "/text")]
    [InlineData("[\"text\"]", "")]
    [InlineData("null", "")]
    public async Task Submit_InputBreakingTheSchema_Is422ListingWhy(string input, string path)
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability, input);

        var problem = await HttpAssert.ProblemAsync(await _tasks.PostAsync(draft.Client, "/v1/tasks", draft.Body()), HttpStatusCode.UnprocessableEntity, "input-schema-mismatch");

        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.True(Hash32.TryParse(e.GetProperty("schema").GetString(), out _)));
        Assert.Contains(errors, e => e.GetProperty("path").GetString() == path);
        await AssertNothingAsync(draft);
    }

    [Fact]
    public async Task Submit_UnsignedOrStaleOrSignedForAnotherBody_Is401AndCreatesNothing()
    {
        var draft = await DraftAsync();
        var ct = TestContext.Current.CancellationToken;
        using var unsigned = new StringContent(draft.Body(), System.Text.Encoding.UTF8, "application/json");
        await HttpAssert.ProblemAsync(await _tasks.Gateway.Http.PostAsync("/v1/tasks", unsigned, ct), HttpStatusCode.Unauthorized, "signature-missing");

        var stale = RequestSigner.SignedPost(draft.Client, _tasks.Gateway.Address, "/v1/tasks", draft.Body(), created: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
        await HttpAssert.ProblemAsync(await _tasks.Gateway.Http.SendAsync(stale, ct), HttpStatusCode.Unauthorized, "signature-expired");

        var swapped = RequestSigner.SignedPost(draft.Client, _tasks.Gateway.Address, "/v1/tasks", draft.Body(), signedBody: (draft with { MaxPrice = 1 }).Body());
        await HttpAssert.ProblemAsync(await _tasks.Gateway.Http.SendAsync(swapped, ct), HttpStatusCode.Unauthorized, "signature-digest-mismatch");

        await AssertNothingAsync(draft);
    }

    [Theory]
    [InlineData("xyz")]
    [InlineData("00")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000aa")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public async Task Routes_MalformedTaskId_Are400(string id)
    {
        using var key = AgentKey.Generate();
        foreach (var path in new[] { $"/v1/tasks/{id}", $"/v1/tasks/{id}/history", $"/v1/tasks/{id}/events" })
        {
            await HttpAssert.ProblemAsync(await _tasks.GetAsync(path), HttpStatusCode.BadRequest, "invalid-task-id");
        }

        foreach (var verb in new[] { "cancel", "accept", "dispute", "result", "verdict" })
        {
            await HttpAssert.ProblemAsync(await _tasks.PostAsync(key, $"/v1/tasks/{id}/{verb}", "{}"), HttpStatusCode.BadRequest, "invalid-task-id");
        }
    }

    [Fact]
    public async Task Routes_UnknownTask_Are404()
    {
        using var key = AgentKey.Generate();
        var id = new Hash32(new byte[32]).ToString();
        foreach (var path in new[] { $"/v1/tasks/{id}", $"/v1/tasks/{id}/history", $"/v1/tasks/{id}/events" })
        {
            await HttpAssert.ProblemAsync(await _tasks.GetAsync(path), HttpStatusCode.NotFound, "task-not-found");
        }

        await HttpAssert.ProblemAsync(await _tasks.PostAsync(key, $"/v1/tasks/{id}/cancel", "{}"), HttpStatusCode.NotFound, "task-not-found");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(key, $"/v1/tasks/{id}/accept", ""), HttpStatusCode.NotFound, "task-not-found");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(key, $"/v1/tasks/{id}/result", TaskClient.ResultBody(1, "{}")), HttpStatusCode.NotFound, "task-not-found");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(key, $"/v1/tasks/{id}/verdict", "{\"upholds\":true}"), HttpStatusCode.NotFound, "task-not-found");
    }

    [Fact]
    public async Task Commands_UnsignedOrStale_Are401AndChangeNothing()
    {
        var (draft, agent, _) = await _tasks.VerifyingAsync();
        var before = await _tasks.TaskAsync(draft.Id);
        var ct = TestContext.Current.CancellationToken;
        foreach (var verb in new[] { "cancel", "accept", "dispute", "result", "verdict" })
        {
            var path = $"/v1/tasks/{draft.Id}/{verb}";
            using var unsigned = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            await HttpAssert.ProblemAsync(await _tasks.Gateway.Http.PostAsync(path, unsigned, ct), HttpStatusCode.Unauthorized, "signature-missing");
            var signer = verb is "result" or "verdict" ? agent : draft.Client;
            var stale = RequestSigner.SignedPost(signer, _tasks.Gateway.Address, path, "{}", created: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
            await HttpAssert.ProblemAsync(await _tasks.Gateway.Http.SendAsync(stale, ct), HttpStatusCode.Unauthorized, "signature-expired");
        }

        AssertSame(before, await _tasks.TaskAsync(draft.Id));
    }

    [Fact]
    public async Task Commands_MalformedBodies_Are400AndChangeNothing()
    {
        var (draft, agent, item) = await _tasks.VerifyingAsync();
        var before = await _tasks.TaskAsync(draft.Id);
        var attempt = item.GetProperty("attempt").GetInt32();
        var cases = new (AgentKey Key, string Verb, string Body, HttpStatusCode Status, string Code)[]
        {
            (draft.Client, "accept", "{\"now\":true}", HttpStatusCode.BadRequest, "malformed-body"),
            (draft.Client, "cancel", "[]", HttpStatusCode.BadRequest, "malformed-body"),
            (draft.Client, "dispute", "{}", HttpStatusCode.BadRequest, "malformed-body"),
            (draft.Client, "dispute", "{\"bondLock\":\"%%%\"}", HttpStatusCode.BadRequest, "malformed-transaction"),
            (draft.Client, "dispute", await _tasks.DisputeBodyAsync(draft.Client, draft.Id, amount: TaskNodeFixture.DisputeBond - 1), HttpStatusCode.UnprocessableEntity, "invalid-escrow-lock"),
            (draft.Client, "dispute", await _tasks.DisputeBodyAsync(draft.Client, draft.Id, escrowId: TaskEscrows.Payment(draft.Id)), HttpStatusCode.UnprocessableEntity, "invalid-escrow-lock"),
            (draft.Client, "dispute", await _tasks.DisputeBodyAsync(draft.Client, draft.Id, expiry: draft.Deadline.ToUnixTimeMilliseconds()), HttpStatusCode.UnprocessableEntity, "invalid-escrow-lock"),
            (draft.Client, "dispute", (await _tasks.DisputeBodyAsync(draft.Client, draft.Id)).Replace("\"wrong\"", JsonSerializer.Serialize(new string('r', 1025)), StringComparison.Ordinal), HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "result", "{\"output\":{}}", HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "result", $"{{\"attempt\":{attempt}}}", HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "result", $"{{\"attempt\":{attempt},\"output\":{{}}}}", HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "result", $"{{\"attempt\":{attempt},\"output\":null,\"outputHash\":\"{new string('0', 64)}\"}}", HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "result", $"{{\"attempt\":{attempt},\"output\":{{}},\"outputHash\":\"nothex\"}}", HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "result", $"{{\"attempt\":{attempt},\"output\":{{}},\"outputHash\":\"{new string('0', 64)}\",\"error\":\"both\"}}", HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "result", $"{{\"attempt\":{attempt},\"error\":{JsonSerializer.Serialize(new string('e', 4097))}}}", HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "result", TaskClient.ResultBody(attempt, $"{{\"text\":\"{new string('x', TaskNodeFixture.MaxJsonBytes)}\"}}"), HttpStatusCode.RequestEntityTooLarge, "output-too-large"),
            (agent, "verdict", "{}", HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "verdict", $"{{\"upholds\":true,\"outputHash\":\"{new string('0', 64)}\"}}", HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "verdict", "{\"upholds\":\"yes\"}", HttpStatusCode.BadRequest, "malformed-body"),
            (agent, "verdict", "{\"outputHash\":\"12\"}", HttpStatusCode.BadRequest, "malformed-body"),
        };

        foreach (var (key, verb, body, status, code) in cases)
        {
            await HttpAssert.ProblemAsync(await _tasks.PostAsync(key, $"/v1/tasks/{draft.Id}/{verb}", body), status, code);
        }

        AssertSame(before, await _tasks.TaskAsync(draft.Id));
    }

    [Fact]
    public async Task Events_MalformedResumePoint_Is400()
    {
        var (draft, _, _) = await _tasks.VerifyingAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{draft.Id}/events");
        request.Headers.Add("Last-Event-ID", "three");

        await HttpAssert.ProblemAsync(await _tasks.Gateway.Http.SendAsync(request, TestContext.Current.CancellationToken), HttpStatusCode.BadRequest, "invalid-last-event-id");
        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}/events?after=-1"), HttpStatusCode.BadRequest, "invalid-after");
    }

    [Fact]
    public async Task Next_BadDidWaitOrSignature_AreProblems()
    {
        using var agent = AgentKey.Generate();
        var path = $"/v1/agents/{agent.Did}/tasks/next";
        var ct = TestContext.Current.CancellationToken;

        await HttpAssert.ProblemAsync(await _tasks.GetSignedAsync(agent, "/v1/agents/did:key:zNOTAKEY/tasks/next"), HttpStatusCode.BadRequest, "invalid-did");
        await HttpAssert.ProblemAsync(await _tasks.GetSignedAsync(agent, path, "?wait=soon"), HttpStatusCode.BadRequest, "invalid-wait");
        await HttpAssert.ProblemAsync(await _tasks.Gateway.Http.GetAsync(path, ct), HttpStatusCode.Unauthorized, "signature-missing");
        var stale = RequestSigner.SignedGet(agent, _tasks.Gateway.Address, path, "?wait=0", created: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
        await HttpAssert.ProblemAsync(await _tasks.Gateway.Http.SendAsync(stale, ct), HttpStatusCode.Unauthorized, "signature-expired");

        // The query is signed: another wait than the one signed is refused.
        var signed = RequestSigner.SignedGet(agent, _tasks.Gateway.Address, path, "?wait=0");
        signed.RequestUri = new Uri(_tasks.Gateway.Address, path + "?wait=30");
        await HttpAssert.ProblemAsync(await _tasks.Gateway.Http.SendAsync(signed, ct), HttpStatusCode.Unauthorized, "signature-bad-signature");

        // An agent with nothing to do gets 204 at the end of its wait.
        Assert.Equal(HttpStatusCode.NoContent, (await _tasks.GetSignedAsync(agent, path, "?wait=0")).StatusCode);
    }

    private async Task<TaskDraft> DraftAsync()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        return TaskDraft.For(await _tasks.ClientAsync(), capability);
    }

    private async Task AssertNothingAsync(TaskDraft draft) =>
        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}"), HttpStatusCode.NotFound, "task-not-found");

    /// <summary>The task did not move: same state, holds, result and history.</summary>
    internal static void AssertSame(JsonElement before, JsonElement after)
    {
        foreach (var member in new[] { "state", "attempt", "agent", "payment", "bond", "result", "dispute", "reason" })
        {
            Assert.Equal(
                before.TryGetProperty(member, out var b) ? b.GetRawText() : null,
                after.TryGetProperty(member, out var a) ? a.GetRawText() : null);
        }
    }
}
