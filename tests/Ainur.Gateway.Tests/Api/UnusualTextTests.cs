using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Tasks;
using Ainur.Protocol.Identity;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// Text a JSON parser or a DID decoder may trip on (duplicate members, lone surrogate escapes, non-ASCII in a DID) is a
/// 4xx problem with a stable code, and changes nothing.
/// </summary>
[Collection(TaskNodeCollection.Name)]
public sealed class UnusualTextTests(TaskNodeFixture fixture)
{
    private InProcessGateway Gateway => fixture.Gateway;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A DID with one base58 character replaced by a non-ASCII letter.</summary>
    private static string NonAsciiDid()
    {
        using var key = AgentKey.Generate();
        return key.Did.Value[..12] + "é" + key.Did.Value[13..];
    }

    public static TheoryData<string, string> ManifestTexts => new()
    {
        { "duplicate manifest member", """{"name":"a","name":"b","version":"1","capabilities":[],"runtime":{"kind":"remote"}}""" },
        { "duplicate member in a schema", """{"name":"a","version":"1","capabilities":[{"id":"x","description":"d","price":1,"inputSchema":{"type":"object","type":"string"},"outputSchema":{}}],"runtime":{"kind":"remote"}}""" },
        { "lone surrogate in a description", """{"name":"a","version":"1","capabilities":[{"id":"x","description":"\ud800","price":1,"inputSchema":{},"outputSchema":{}}],"runtime":{"kind":"remote"}}""" },
        { "lone low surrogate in the name", """{"name":"\udc00a","version":"1","capabilities":[],"runtime":{"kind":"remote"}}""" },
        { "lone surrogate in a schema", """{"name":"a","version":"1","capabilities":[{"id":"x","description":"d","price":1,"inputSchema":{"const":"\ud83d"},"outputSchema":{}}],"runtime":{"kind":"remote"}}""" },
        { "lone surrogate in a schema's member name", """{"name":"a","version":"1","capabilities":[{"id":"x","description":"d","price":1,"inputSchema":{"properties":{"\ud800":{}}},"outputSchema":{}}],"runtime":{"kind":"remote"}}""" },
    };

    [Theory]
    [MemberData(nameof(ManifestTexts))]
    public async Task Register_UnusualManifestText_Is400MalformedBody_AndStoresNothing(string why, string manifest)
    {
        using var key = AgentKey.Generate();
        var body = $"{{\"did\":{JsonSerializer.Serialize(key.Did.Value)},\"manifest\":{manifest}}}";

        var response = await Gateway.Http.SendAsync(RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", body), Ct);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-body");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), why);
        await HttpAssert.ProblemAsync(await Gateway.Http.GetAsync($"/v1/agents/{key.Did.Value}", Ct), HttpStatusCode.NotFound, "agent-not-found");
    }

    public static TheoryData<string, string> TaskInputs => new()
    {
        { "duplicate member", """{"text":"a","text":"b"}""" },
        { "duplicate nested member", """{"text":"a","more":{"x":1,"x":2}}""" },
        { "lone high surrogate", """{"text":"\ud800"}""" },
        { "lone low surrogate", """{"text":"a\udfffb"}""" },
        { "reversed pair", """{"text":"\udc00\ud800"}""" },
        { "lone surrogate in a member name", """{"text":"a","\ud800":1}""" },
    };

    [Theory]
    [MemberData(nameof(TaskInputs))]
    public async Task SubmitTask_UnusualInputText_Is400MalformedBody_AndCreatesNoTask(string why, string input)
    {
        var tasks = new TaskClient(Gateway);
        var capability = TaskClient.NewCapability();
        await tasks.AgentAsync(capability);
        var draft = TaskDraft.For(await tasks.ClientAsync(), capability, input);

        var response = await tasks.PostAsync(draft.Client, "/v1/tasks", draft.Body());

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-body");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), why);
        await HttpAssert.ProblemAsync(await tasks.GetAsync($"/v1/tasks/{draft.Id}"), HttpStatusCode.NotFound, "task-not-found");
    }

    [Theory]
    [InlineData("""{"ok":true,"ok":false}""")]
    [InlineData("""{"ok":"\ud800"}""")]
    public async Task PostResult_UnusualOutputText_Is400MalformedBody_AndLeavesTheTaskExecuting(string output)
    {
        var tasks = new TaskClient(Gateway);
        var capability = TaskClient.NewCapability();
        var agent = await tasks.AgentAsync(capability);
        var draft = TaskDraft.For(await tasks.ClientAsync(), capability);
        await tasks.SubmitAsync(draft);
        var item = await tasks.NextAsync(agent);

        var response = await tasks.PostAsync(agent, $"/v1/tasks/{draft.Id}/result", TaskClient.ResultBody(item.GetProperty("attempt").GetInt32(), output));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-body");
        var task = await tasks.TaskAsync(draft.Id);

        // No result taken: still the agent's attempt (its start is written with its next write, or on its own later).
        Assert.Contains(task.GetProperty("state").GetString(), new[] { "assigned", "executing" });
        Assert.True(!task.TryGetProperty("result", out var result) || result.ValueKind == System.Text.Json.JsonValueKind.Null);
    }

    [Theory]
    [InlineData("/v1/agents/{0}")]
    [InlineData("/v1/agents/{0}/reputation")]
    [InlineData("/v1/accounts/{0}")]
    public async Task Read_NonAsciiDidInPath_Is400InvalidDid(string template)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Uri.EscapeDataString(NonAsciiDid()));

        await HttpAssert.ProblemAsync(await Gateway.Http.GetAsync(path, Ct), HttpStatusCode.BadRequest, "invalid-did");
    }

    [Fact]
    public async Task SignedCalls_NonAsciiDidInPath_Are400InvalidDid()
    {
        using var key = AgentKey.Generate();
        var did = Uri.EscapeDataString(NonAsciiDid());

        var next = await Gateway.Http.SendAsync(RequestSigner.SignedGet(key, Gateway.Address, $"/v1/agents/{did}/tasks/next", "?wait=0"), Ct);
        var deregister = await Gateway.Http.SendAsync(RequestSigner.SignedPost(key, Gateway.Address, $"/v1/agents/{did}/deregister", "{}"), Ct);

        await HttpAssert.ProblemAsync(next, HttpStatusCode.BadRequest, "invalid-did");
        await HttpAssert.ProblemAsync(deregister, HttpStatusCode.BadRequest, "invalid-did");
    }

    [Fact]
    public async Task BodiesNamingANonAsciiDid_Are400MalformedBody_AndChangeNothing()
    {
        var tasks = new TaskClient(Gateway);
        var sender = await tasks.ClientAsync();
        var did = NonAsciiDid();
        var before = await tasks.Ledger.AccountAsync(sender.Did);
        var transfer = JsonSerializer.Serialize(new { to = did, amount = 1, nonce = 1, signature = Convert.ToBase64String(new byte[64]) });
        using var registrant = AgentKey.Generate();
        var registration = RequestSigner.RegistrationBody(registrant.Did).Replace(registrant.Did.Value, did, StringComparison.Ordinal);

        await HttpAssert.ProblemAsync(await tasks.PostAsync(sender, "/v1/transfers", transfer), HttpStatusCode.BadRequest, "malformed-body");
        await HttpAssert.ProblemAsync(await tasks.PostAsync(registrant, "/v1/agents", registration), HttpStatusCode.BadRequest, "malformed-body");

        Assert.Equal(before, await tasks.Ledger.AccountAsync(sender.Did));
    }
}
