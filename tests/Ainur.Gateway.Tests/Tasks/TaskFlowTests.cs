using System.Globalization;
using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>Paid tasks end to end over real HTTP: a client, a remote agent and a verifier, on a standalone node with its ledger.</summary>
[Collection(TaskNodeCollection.Name)]
public sealed class TaskFlowTests(TaskNodeFixture fixture)
{
    private readonly TaskClient _tasks = new(fixture.Gateway);

    [Fact]
    public async Task SubmitRunAccept_Settles_PaysTheAgent_AndRefundsTheRest()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability, price: 5);
        var client = await _tasks.ClientAsync();
        var draft = TaskDraft.For(client, capability, maxPrice: 8);
        var agentBefore = await _tasks.Ledger.AccountAsync(agent.Did);

        var submitted = await _tasks.SubmitAsync(draft);

        Assert.Equal(draft.Id.ToString(), submitted.GetProperty("id").GetString());
        Assert.Equal("pending", submitted.GetProperty("state").GetString());
        Assert.Equal(client.Did.Value, submitted.GetProperty("client").GetString());
        Assert.Equal(draft.Terms.InputHash.ToString(), submitted.GetProperty("inputHash").GetString());
        Assert.Equal(TaskNodeFixture.DisputeBond, submitted.GetProperty("disputeBond").GetInt64());
        Assert.Equal(Protocol.Tasks.TaskEscrows.Payment(draft.Id).ToString(), submitted.GetProperty("paymentEscrow").GetString());

        // The agent is handed the input exactly as the client sent it (its hash is the terms' input hash).
        var item = await _tasks.NextAsync(agent);
        Assert.Equal(("execute", draft.Id.ToString(), capability), (item.GetProperty("kind").GetString(), item.GetProperty("taskId").GetString(), item.GetProperty("capability").GetString()));
        Assert.Equal(TaskDraft.SpacedInput, item.GetProperty("input").GetRawText());
        Assert.Equal(5, item.GetProperty("price").GetInt64());
        // The start waits to share the result's write: readers see the task assigned until then.
        Assert.Equal("assigned", (await _tasks.TaskAsync(draft.Id)).GetProperty("state").GetString());

        const string output = """{ "echo" : "hello, agent" }""";
        var attempt = item.GetProperty("attempt").GetInt32();
        var verifying = await HttpAssert.JsonAsync(await _tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(attempt, output)), HttpStatusCode.OK);
        Assert.Equal("verifying", verifying.GetProperty("state").GetString());
        Assert.Equal(output, verifying.GetProperty("result").GetProperty("output").GetRawText());

        var accepted = await HttpAssert.JsonAsync(await _tasks.PostAsync(client, $"/v1/tasks/{draft.Id}/accept", ""), HttpStatusCode.OK);
        Assert.Contains(accepted.GetProperty("state").GetString(), new[] { "complete", "settled" });

        var settled = await _tasks.WaitForStateAsync(draft.Id, "settled");
        Assert.Equal(("released", agent.Did.Value, 5L), (settled.GetProperty("payment").GetString(), settled.GetProperty("agent").GetString(), settled.GetProperty("price").GetInt64()));
        Assert.Equal(LedgerCalls.Grant - 5, (await _tasks.Ledger.AccountAsync(client.Did)).Balance);
        Assert.True((await _tasks.Ledger.AccountAsync(agent.Did)).Balance > agentBefore.Balance);

        var history = await HttpAssert.JsonAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}/history"), HttpStatusCode.OK);
        var transitions = history.EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, transitions.Count), transitions.Select(t => t.GetProperty("sequence").GetInt32()));
        var first = transitions[0];
        Assert.Equal(("pending", "submit", client.Did.Value), (first.GetProperty("to").GetString(), first.GetProperty("cause").GetString(), first.GetProperty("actor").GetString()));
        Assert.False(first.TryGetProperty("from", out _));
        Assert.Equal(["pending", "assigned", "executing", "verifying", "complete", "settled"], transitions.Select(t => t.GetProperty("to").GetString()).Distinct());
        Assert.Contains(transitions, t => t.GetProperty("cause").GetString() == "accept" && t.GetProperty("actor").GetString() == client.Did.Value);
    }

    [Fact]
    public async Task Submit_SameTermsAgain_IsTheSameTask_AndLocksOnce()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability);
        await _tasks.SubmitAsync(draft);
        var locked = await _tasks.WaitForPaymentAsync(draft.Id, "locked");

        var again = await _tasks.SubmitAsync(draft);

        Assert.Equal(draft.Id.ToString(), again.GetProperty("id").GetString());
        TaskBadInputTests.AssertSame(locked, await _tasks.TaskAsync(draft.Id));
        Assert.Equal(LedgerCalls.Grant - draft.MaxPrice, (await _tasks.Ledger.AccountAsync(draft.Client.Did)).Balance);

        // Another salt is another task, with its own escrow.
        var second = draft with { Salt = draft.Salt + "-2" };
        await _tasks.SubmitAsync(second);
        await _tasks.WaitForPaymentAsync(second.Id, "locked");
        Assert.Equal(LedgerCalls.Grant - (2 * draft.MaxPrice), (await _tasks.Ledger.AccountAsync(draft.Client.Did)).Balance);
    }

    [Fact]
    public async Task Events_ReplayAfterLastEventId_ThenEndOnceTheTaskIsClosed()
    {
        var (draft, _, _) = await _tasks.VerifyingAsync();
        await HttpAssert.JsonAsync(await _tasks.PostAsync(draft.Client, $"/v1/tasks/{draft.Id}/accept", "{}"), HttpStatusCode.OK);
        await _tasks.WaitForStateAsync(draft.Id, "settled");
        var history = (await HttpAssert.JsonAsync(await _tasks.GetAsync($"/v1/tasks/{draft.Id}/history"), HttpStatusCode.OK)).EnumerateArray().ToList();

        // Last-Event-ID wins over ?after=.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{draft.Id}/events?after=0");
        request.Headers.Add("Last-Event-ID", "2");
        var events = await ReadToEndAsync(request);

        var last = history[^1].GetProperty("sequence").GetInt32();
        Assert.Equal(Enumerable.Range(3, last - 2).Select(n => n.ToString(CultureInfo.InvariantCulture)), events.Select(e => e.Id));
        Assert.All(events, e => Assert.Equal("transition", e.Type));
        foreach (var received in events)
        {
            var transition = history[int.Parse(received.Id!, CultureInfo.InvariantCulture) - 1];
            Assert.Equal(transition.GetProperty("to").GetString(), received.Data.GetProperty("to").GetString());
            Assert.Equal(transition.GetProperty("cause").GetString(), received.Data.GetProperty("cause").GetString());
            Assert.Equal("settled", received.Data.GetProperty("state").GetString());
        }

        var fromQuery = await ReadToEndAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{draft.Id}/events?after={last - 1}"));
        Assert.Equal(last.ToString(CultureInfo.InvariantCulture), Assert.Single(fromQuery).Id);
    }

    [Fact]
    public async Task Events_SentLive_AsTheTaskMoves()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability);
        await _tasks.SubmitAsync(draft);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{draft.Id}/events");
        var response = await _tasks.Gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var reader = new SseReader(response, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        Assert.Equal(("1", "pending"), await NextTransitionAsync(reader));

        var item = await _tasks.NextAsync(agent);
        await HttpAssert.JsonAsync(
            await _tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(item.GetProperty("attempt").GetInt32(), "{}")), HttpStatusCode.OK);

        // Every transition arrives in order, without gaps, up to the result.
        var seen = new List<string>();
        var sequence = 1;
        while (!seen.Contains("verifying"))
        {
            var (id, to) = await NextTransitionAsync(reader);
            Assert.Equal((++sequence).ToString(CultureInfo.InvariantCulture), id);
            seen.Add(to);
        }

        Assert.Equal(["assigned", "executing", "verifying"], seen.Where(s => s != "pending").Distinct());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheTaskApi()
    {
        var document = await _tasks.Gateway.Http.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        foreach (var path in new[]
        {
            "/v1/tasks", "/v1/tasks/{id}", "/v1/tasks/{id}/history", "/v1/tasks/{id}/events", "/v1/tasks/{id}/cancel", "/v1/tasks/{id}/accept",
            "/v1/tasks/{id}/dispute", "/v1/tasks/{id}/result", "/v1/tasks/{id}/verdict", "/v1/agents/{did}/tasks/next",
            "/v1/tasks/accept", "/v1/agents/{did}/results",
        })
        {
            Assert.Contains($"\"{path}\"", document, StringComparison.Ordinal);
        }
    }

    private static async Task<(string? Id, string To)> NextTransitionAsync(SseReader reader)
    {
        var received = await reader.NextAsync();
        return (received.Id, received.Data.GetProperty("to").GetString()!);
    }

    private async Task<List<SseEvent>> ReadToEndAsync(HttpRequestMessage request)
    {
        using (request)
        {
            // A stream that did not end would hang the test: bounded, as the node's own patience is.
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(60));
            var response = await _tasks.Gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var reader = new SseReader(response, await response.Content.ReadAsStreamAsync(limit.Token));
            var events = new List<SseEvent>();
            while (await reader.TryNextAsync(limit.Token) is { } received)
            {
                events.Add(received);
            }

            return events;
        }
    }
}
