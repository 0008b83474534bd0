using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Identity;
using Ainur.Testing.Http;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>
/// Fewer round trips over real HTTP: an agent's feed handing out several items per poll (<c>?max=N</c>), several results
/// in one signed request, several acceptances in one signed request, and acceptance on result.
/// </summary>
[Collection(TaskNodeCollection.Name)]
public sealed class BatchedWorkTests(TaskNodeFixture fixture)
{
    private readonly TaskClient _tasks = new(fixture.Gateway);

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("-1")]
    [InlineData("2.5")]
    [InlineData("many")]
    [InlineData("")]
    public async Task Next_MaxOutOfBoundsOrNotANumber_Is400_AndHandsOutNothing(string max)
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability);
        await _tasks.SubmitAsync(draft);
        await _tasks.WaitForStateAsync(draft.Id, "assigned");

        var refused = await _tasks.GetSignedAsync(agent, $"/v1/agents/{agent.Did}/tasks/next", $"?wait=0&max={Uri.EscapeDataString(max)}");

        await HttpAssert.ProblemAsync(refused, HttpStatusCode.BadRequest, "invalid-max");
        Assert.Equal("assigned", (await _tasks.TaskAsync(draft.Id)).GetProperty("state").GetString());
        var item = await _tasks.NextAsync(agent);
        Assert.Equal(draft.Id.ToString(), item.GetProperty("taskId").GetString());
    }

    [Fact]
    public async Task Next_WithMax_HandsOutEachItemOnce_AcrossConcurrentPolls()
    {
        const int count = 7;
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        var client = await _tasks.ClientAsync();
        var drafts = Enumerable.Range(0, count).Select(_ => TaskDraft.For(client, capability, maxPrice: 6)).ToList();
        foreach (var draft in drafts)
        {
            await _tasks.SubmitAsync(draft);
        }

        // Three workers of one agent poll at once, three items at most each, until every task was handed out.
        var handed = new ConcurrentBag<string>();
        var sizes = new ConcurrentBag<int>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            while (handed.Count < count && DateTimeOffset.UtcNow < deadline)
            {
                var response = await _tasks.GetSignedAsync(agent, $"/v1/agents/{agent.Did}/tasks/next", "?wait=1&max=3");
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    continue;
                }

                var items = (await HttpAssert.JsonAsync(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
                sizes.Add(items.Count);
                foreach (var item in items)
                {
                    handed.Add(item.GetProperty("taskId").GetString()!);
                }
            }
        }));

        Assert.Equal(drafts.Select(d => d.Id.ToString()).Order(), handed.Order());
        Assert.All(sizes, size => Assert.InRange(size, 1, 3));
        foreach (var draft in drafts)
        {
            // Each start is written on its own once no result came to share its write.
            await _tasks.WaitForStateAsync(draft.Id, "executing");
        }

        // Nothing is left to hand out twice.
        Assert.Equal(HttpStatusCode.NoContent, (await _tasks.GetSignedAsync(agent, $"/v1/agents/{agent.Did}/tasks/next", "?wait=1&max=64")).StatusCode);
    }

    [Fact]
    public async Task Results_MixOfGoodAndBadItems_EachIsAnsweredOnItsOwn_AndOnlyTheGoodOnesApply()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        var (good, goodItem) = await ExecutingAsync(agent, capability);
        var (badHash, badHashItem) = await ExecutingAsync(agent, capability);
        var (failed, failedItem) = await ExecutingAsync(agent, capability);
        var elsewhere = TaskClient.NewCapability();
        var other = await _tasks.AgentAsync(elsewhere);
        var (others, othersItem) = await ExecutingAsync(other, elsewhere);
        var badHashBefore = await _tasks.TaskAsync(badHash.Id);
        var othersBefore = await _tasks.TaskAsync(others.Id);
        var unknown = TaskDraft.For(agent, capability).Id;

        var body = Batch(
            ResultItem(good.Id.ToString(), Attempt(goodItem), """{"echo":1}"""),
            ResultItem(badHash.Id.ToString(), Attempt(badHashItem), """{"echo":2}""", hash: new string('0', 64)),
            FailureItem(failed.Id.ToString(), Attempt(failedItem), "out of memory"),
            ResultItem(others.Id.ToString(), Attempt(othersItem), """{"echo":3}"""),
            ResultItem("not-a-task-id", 1, """{"echo":4}"""),
            ResultItem(unknown.ToString(), 1, """{"echo":5}"""),
            ResultItem(good.Id.ToString(), Attempt(goodItem), """{"echo":1}""", hash: "not hex"));
        var answer = await HttpAssert.JsonAsync(await _tasks.PostAsync(agent, $"/v1/agents/{agent.Did}/results", body), HttpStatusCode.OK);

        var items = answer.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(
            [(good.Id.ToString(), 200), (badHash.Id.ToString(), 422), (failed.Id.ToString(), 200), (others.Id.ToString(), 403), ("not-a-task-id", 400), (unknown.ToString(), 404), (good.Id.ToString(), 400)],
            items.Select(i => (i.GetProperty("taskId").GetString()!, i.GetProperty("status").GetInt32())));
        Assert.Equal("verifying", items[0].GetProperty("task").GetProperty("state").GetString());
        Assert.Equal("pending", items[2].GetProperty("task").GetProperty("state").GetString());
        Assert.Equal(
            ["task-invalid", "task-forbidden", "invalid-task-id", "task-not-found", "malformed-body"],
            new[] { 1, 3, 4, 5, 6 }.Select(i => items[i].GetProperty("problem").GetProperty("code").GetString()));
        Assert.All(new[] { 1, 3, 4, 5, 6 }, i => Assert.False(items[i].TryGetProperty("task", out _)));

        Assert.Equal("verifying", (await _tasks.TaskAsync(good.Id)).GetProperty("state").GetString());
        var requeued = await _tasks.TaskAsync(failed.Id);
        Assert.Equal("pending", requeued.GetProperty("state").GetString());
        Assert.Contains("out of memory", requeued.GetProperty("reason").GetString(), StringComparison.Ordinal);
        TaskBadInputTests.AssertSame(badHashBefore, await _tasks.TaskAsync(badHash.Id));
        TaskBadInputTests.AssertSame(othersBefore, await _tasks.TaskAsync(others.Id));
    }

    [Fact]
    public async Task Results_ReplayedBatch_ChangesNothingTwice()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        var (first, firstItem) = await ExecutingAsync(agent, capability);
        var (second, secondItem) = await ExecutingAsync(agent, capability);
        var body = Batch(ResultItem(first.Id.ToString(), Attempt(firstItem), """{"n":1}"""), FailureItem(second.Id.ToString(), Attempt(secondItem), "gave up"));
        var request = RequestSigner.SignedPost(agent, fixture.Gateway.Address, $"/v1/agents/{agent.Did}/results", body);
        var replay = await RequestSigner.CopyAsync(request);
        await HttpAssert.JsonAsync(await fixture.Gateway.Http.SendAsync(request, TestContext.Current.CancellationToken), HttpStatusCode.OK);
        var firstAfter = await _tasks.TaskAsync(first.Id);
        var secondAfter = await _tasks.TaskAsync(second.Id);
        var steps = await HistoryLengthAsync(first.Id);

        // The same signed request again: its signature was used.
        await HttpAssert.ProblemAsync(await fixture.Gateway.Http.SendAsync(replay, TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized, "signature-replayed");

        // The same batch signed anew: the result again is a no-op; the failure of an attempt already over is refused.
        var again = await HttpAssert.JsonAsync(await _tasks.PostAsync(agent, $"/v1/agents/{agent.Did}/results", body), HttpStatusCode.OK);
        var items = again.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(200, items[0].GetProperty("status").GetInt32());
        Assert.Equal("task-forbidden", items[1].GetProperty("problem").GetProperty("code").GetString());
        TaskBadInputTests.AssertSame(firstAfter, await _tasks.TaskAsync(first.Id));
        Assert.Equal(
            secondAfter.GetProperty("attempt").GetInt32(),
            (await _tasks.TaskAsync(second.Id)).GetProperty("attempt").GetInt32());
        Assert.Equal(steps, await HistoryLengthAsync(first.Id));
    }

    [Fact]
    public async Task Results_OfAnotherAgent_EmptyOrOverTheCount_AreRefusedWhole()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        var (draft, item) = await ExecutingAsync(agent, capability);
        var before = await _tasks.TaskAsync(draft.Id);
        var one = ResultItem(draft.Id.ToString(), Attempt(item), """{"n":1}""");
        var stranger = AgentKey.Generate();

        await HttpAssert.ProblemAsync(await _tasks.PostAsync(stranger, $"/v1/agents/{agent.Did}/results", Batch(one)), HttpStatusCode.Forbidden, "not-owner");
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(agent, $"/v1/agents/{agent.Did}/results", Batch()), HttpStatusCode.BadRequest, "malformed-body");
        await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(agent, $"/v1/agents/{agent.Did}/results", Batch([.. Enumerable.Repeat(one, 65)])), HttpStatusCode.BadRequest, "malformed-body");
        await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(agent, $"/v1/agents/{agent.Did}/results", $"{{\"results\":[{one}, {{\"taskId\":\"{draft.Id}\"}}]}}"), HttpStatusCode.BadRequest, "malformed-body");

        TaskBadInputTests.AssertSame(before, await _tasks.TaskAsync(draft.Id));
    }

    [Fact]
    public async Task OnResult_TheResultCompletesTheTask_AndItSettlesWithoutAnAccept()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability, deterministic: true);
        var client = await _tasks.ClientAsync();
        var draft = TaskDraft.For(client, capability);
        var submitted = await HttpAssert.JsonAsync(
            await _tasks.PostAsync(client, "/v1/tasks", draft.Body(replace: new Dictionary<string, string?> { ["accept"] = "\"on-result\"" })), HttpStatusCode.Accepted);
        Assert.Equal("on-result", submitted.GetProperty("accept").GetString());

        var item = await _tasks.NextAsync(agent);
        var posted = await HttpAssert.JsonAsync(
            await _tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(Attempt(item), """{"echo":true}""")), HttpStatusCode.OK);

        Assert.Contains(posted.GetProperty("state").GetString(), new[] { "complete", "settled" });
        var settled = await _tasks.WaitForStateAsync(draft.Id, "settled");
        Assert.Equal("released", settled.GetProperty("payment").GetString());
        var history = (await HttpAssert.JsonAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}/history"), HttpStatusCode.OK)).EnumerateArray().ToList();
        var complete = Assert.Single(history, t => t.GetProperty("to").GetString() == "complete" && t.GetProperty("from").GetString() == "verifying");
        Assert.Equal(("accept", agent.Did.Value), (complete.GetProperty("cause").GetString(), complete.GetProperty("actor").GetString()));
        Assert.DoesNotContain(history, t => t.TryGetProperty("actor", out var actor) && actor.GetString() == client.Did.Value && t.GetProperty("cause").GetString() == "accept");

        // The client's own accept afterwards is the no-op it is for any settled task; a dispute comes too late.
        await HttpAssert.JsonAsync(await _tasks.PostAsync(client, $"/v1/tasks/{draft.Id}/accept", ""), HttpStatusCode.OK);
    }

    [Fact]
    public async Task OnResult_IsGivenOnlyToAgentsDeclaringTheCapabilityDeterministic()
    {
        var capability = TaskClient.NewCapability();
        var judged = await _tasks.AgentAsync(capability, price: 1);
        var client = await _tasks.ClientAsync();
        var draft = TaskDraft.For(client, capability);
        var onResult = new Dictionary<string, string?> { ["accept"] = "\"on-result\"" };

        // Only a judged agent offers it: refused, nothing locked.
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(client, "/v1/tasks", draft.Body(replace: onResult)), HttpStatusCode.UnprocessableEntity, "accept-on-result-not-deterministic");
        await HttpAssert.ProblemAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}"), HttpStatusCode.NotFound, "task-not-found");
        await HttpAssert.ProblemAsync(
            await _tasks.PostAsync(client, "/v1/tasks", draft.Body(replace: new Dictionary<string, string?> { ["accept"] = "\"later\"" })), HttpStatusCode.BadRequest, "malformed-body");

        // A deterministic agent asks more, but it is the only one the task may go to.
        var deterministic = await _tasks.AgentAsync(capability, price: 7, deterministic: true);
        await HttpAssert.JsonAsync(await _tasks.PostAsync(client, "/v1/tasks", draft.Body(replace: onResult)), HttpStatusCode.Accepted);
        var assigned = await _tasks.WaitForStateAsync(draft.Id, "assigned");
        Assert.Equal(deterministic.Did.Value, assigned.GetProperty("agent").GetString());

        // The same terms with the other way of acceptance are not the same task.
        await HttpAssert.ProblemAsync(await _tasks.PostAsync(client, "/v1/tasks", draft.Body()), HttpStatusCode.Conflict, "task-conflict");
        Assert.Equal(HttpStatusCode.NoContent, (await _tasks.GetSignedAsync(judged, $"/v1/agents/{judged.Did}/tasks/next", "?wait=0")).StatusCode);
    }

    [Fact]
    public async Task AcceptMany_AcceptsTheSignersOwnTasks_AndRefusesEachOtherItem()
    {
        var (mine1, _, _) = await _tasks.VerifyingAsync();
        var client = mine1.Client;
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        var (mine2, item2) = await ExecutingAsync(agent, capability, client);
        await HttpAssert.JsonAsync(await _tasks.PostAsync(agent, $"/v1/tasks/{mine2.Id}/result", TaskClient.ResultBody(Attempt(item2), "{}")), HttpStatusCode.OK);
        var (theirs, _, _) = await _tasks.VerifyingAsync();
        var theirsBefore = await _tasks.TaskAsync(theirs.Id);
        var ids = new[] { mine1.Id.ToString(), theirs.Id.ToString(), "0xbad", mine2.Id.ToString() };

        var answer = await HttpAssert.JsonAsync(await _tasks.PostAsync(client, "/v1/tasks/accept", JsonSerializer.Serialize(new { ids })), HttpStatusCode.OK);

        var items = answer.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([(ids[0], 200), (ids[1], 403), (ids[2], 400), (ids[3], 200)], items.Select(i => (i.GetProperty("taskId").GetString()!, i.GetProperty("status").GetInt32())));
        Assert.Equal(["task-forbidden", "invalid-task-id"], new[] { 1, 2 }.Select(i => items[i].GetProperty("problem").GetProperty("code").GetString()));
        await _tasks.WaitForStateAsync(mine1.Id, "settled");
        await _tasks.WaitForStateAsync(mine2.Id, "settled");
        TaskBadInputTests.AssertSame(theirsBefore, await _tasks.TaskAsync(theirs.Id));

        await HttpAssert.ProblemAsync(await _tasks.PostAsync(client, "/v1/tasks/accept", """{"ids":[]}"""), HttpStatusCode.BadRequest, "malformed-body");
    }

    private async Task<(TaskDraft Draft, JsonElement Item)> ExecutingAsync(AgentKey agent, string capability, AgentKey? client = null)
    {
        var draft = TaskDraft.For(client ?? await _tasks.ClientAsync(), capability);
        await _tasks.SubmitAsync(draft);
        var item = await _tasks.NextAsync(agent);
        Assert.Equal(draft.Id.ToString(), item.GetProperty("taskId").GetString());
        return (draft, item);
    }

    private async Task<int> HistoryLengthAsync(Protocol.Hashing.Hash32 id) =>
        (await HttpAssert.JsonAsync(await _tasks.GetAsync($"/v1/tasks/{id}/history"), HttpStatusCode.OK)).GetArrayLength();

    private static int Attempt(JsonElement item) => item.GetProperty("attempt").GetInt32();

    private static string ResultItem(string taskId, int attempt, string output, string? hash = null) =>
        TaskClient.ResultBody(attempt, output, hash).Insert(1, $"\"taskId\":{JsonSerializer.Serialize(taskId)},");

    private static string FailureItem(string taskId, int attempt, string error) =>
        JsonSerializer.Serialize(new { taskId, attempt, error });

    private static string Batch(params string[] items) => $"{{\"results\":[{string.Join(",", items)}]}}";
}
