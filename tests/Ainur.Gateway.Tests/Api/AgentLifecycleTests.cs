using System.Net;
using System.Text.Json;
using Ainur.Protocol.Identity;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// The agent's life over real HTTP beyond registering once: the capability's <c>deterministic</c> flag, and
/// <c>POST /v1/agents/{did}/deregister</c> (owner only, idempotent, undone by registering again).
/// </summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class AgentLifecycleTests(StandaloneGatewayFixture fixture)
{
    private InProcessGateway Gateway => fixture.Gateway;

    [Theory]
    [InlineData(null, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Register_DeterministicFlag_IsStoredAndShown_DefaultFalse(bool? sent, bool shown)
    {
        using var key = AgentKey.Generate();

        await RegisterAsync(key, HttpStatusCode.Created, deterministic: sent);

        var agent = await GetAsync(key.Did);
        Assert.Equal(shown, agent.GetProperty("manifest").GetProperty("capabilities")[0].GetProperty("deterministic").GetBoolean());
    }

    [Fact]
    public async Task Register_FlippingDeterministic_IsAnUpdate()
    {
        using var key = AgentKey.Generate();
        await RegisterAsync(key, HttpStatusCode.Created, deterministic: false);

        var updated = await RegisterAsync(key, HttpStatusCode.OK, deterministic: true);

        Assert.Equal(("updated", 2), (updated.GetProperty("outcome").GetString(), updated.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task Deregister_ByTheAgent_Is200WithTheRecord_AgainTheSame_AndGetShowsIt()
    {
        using var key = AgentKey.Generate();
        var registered = await RegisterAsync(key, HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, (await GetAsync(key.Did)).GetProperty("deregisteredAt").ValueKind);

        var first = await HttpAssert.JsonAsync(await DeregisterAsync(key, key.Did, "{}"), HttpStatusCode.OK);
        var again = await HttpAssert.JsonAsync(await DeregisterAsync(key, key.Did, ""), HttpStatusCode.OK);

        var at = first.GetProperty("deregisteredAt").GetDateTimeOffset();
        Assert.Equal(at, again.GetProperty("deregisteredAt").GetDateTimeOffset());
        Assert.Equal(registered.GetProperty("version").GetInt32(), again.GetProperty("version").GetInt32());
        Assert.Equal(key.Did.Value, first.GetProperty("did").GetString());
        var read = await GetAsync(key.Did);
        Assert.Equal(at, read.GetProperty("deregisteredAt").GetDateTimeOffset());
        Assert.Equal(registered.GetProperty("manifest").GetRawText(), read.GetProperty("manifest").GetRawText());
    }

    [Fact]
    public async Task Register_AfterDeregistration_ReactivatesAtTheNextVersion()
    {
        using var key = AgentKey.Generate();
        await RegisterAsync(key, HttpStatusCode.Created);
        await HttpAssert.JsonAsync(await DeregisterAsync(key, key.Did, "{}"), HttpStatusCode.OK);

        var reactivated = await RegisterAsync(key, HttpStatusCode.OK);

        Assert.Equal(("updated", 2), (reactivated.GetProperty("outcome").GetString(), reactivated.GetProperty("version").GetInt32()));
        Assert.Equal(JsonValueKind.Null, (await GetAsync(key.Did)).GetProperty("deregisteredAt").ValueKind);
    }

    [Fact]
    public async Task Deregister_SignedByAnotherDid_Is403AndChangesNothing()
    {
        using var owner = AgentKey.Generate();
        using var intruder = AgentKey.Generate();
        await RegisterAsync(owner, HttpStatusCode.Created);
        await RegisterAsync(intruder, HttpStatusCode.Created);
        var before = (await GetAsync(owner.Did)).GetRawText();

        await HttpAssert.ProblemAsync(await DeregisterAsync(intruder, owner.Did, "{}"), HttpStatusCode.Forbidden, "not-owner");

        Assert.Equal(before, (await GetAsync(owner.Did)).GetRawText());
        Assert.Equal(JsonValueKind.Null, (await GetAsync(intruder.Did)).GetProperty("deregisteredAt").ValueKind);
    }

    [Fact]
    public async Task Deregister_NeverRegistered_Is404AndStoresNothing()
    {
        using var key = AgentKey.Generate();

        await HttpAssert.ProblemAsync(await DeregisterAsync(key, key.Did, "{}"), HttpStatusCode.NotFound, "agent-not-found");

        await HttpAssert.ProblemAsync(await Gateway.Http.GetAsync($"/v1/agents/{key.Did.Value}", TestContext.Current.CancellationToken), HttpStatusCode.NotFound, "agent-not-found");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"reason\":\"bye\"}")]
    [InlineData("{")]
    public async Task Deregister_BodyOtherThanEmpty_Is400AndChangesNothing(string body)
    {
        using var key = AgentKey.Generate();
        await RegisterAsync(key, HttpStatusCode.Created);

        await HttpAssert.ProblemAsync(await DeregisterAsync(key, key.Did, body), HttpStatusCode.BadRequest, "malformed-body");

        Assert.Equal(JsonValueKind.Null, (await GetAsync(key.Did)).GetProperty("deregisteredAt").ValueKind);
    }

    [Fact]
    public async Task Deregister_InvalidDidInRoute_Is400_AndUnsignedIs401()
    {
        using var key = AgentKey.Generate();
        using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

        await HttpAssert.ProblemAsync(
            await SendAsync(RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents/not-a-did/deregister", "{}")), HttpStatusCode.BadRequest, "invalid-did");
        await HttpAssert.ProblemAsync(
            await Gateway.Http.PostAsync($"/v1/agents/{key.Did.Value}/deregister", content, TestContext.Current.CancellationToken),
            HttpStatusCode.Unauthorized, "signature-missing");
    }

    private async Task<JsonElement> RegisterAsync(AgentKey key, HttpStatusCode status, bool? deterministic = null) =>
        await HttpAssert.JsonAsync(
            await SendAsync(RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", RequestSigner.RegistrationBody(key.Did, deterministic: deterministic))), status);

    private Task<HttpResponseMessage> DeregisterAsync(AgentKey signer, Did agent, string body) =>
        SendAsync(RequestSigner.SignedPost(signer, Gateway.Address, $"/v1/agents/{agent.Value}/deregister", body));

    private async Task<JsonElement> GetAsync(Did did) =>
        await HttpAssert.JsonAsync(await Gateway.Http.GetAsync($"/v1/agents/{did.Value}", TestContext.Current.CancellationToken), HttpStatusCode.OK);

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => Gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);
}
