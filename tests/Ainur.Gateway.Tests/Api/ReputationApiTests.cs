using System.Net;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Reputation;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.Gateway.Tests.Api;

/// <summary><c>GET /v1/agents/{did}/reputation</c> on real HTTP: totals over replicas and the score; zeros when unseen; 400 for a bad DID.</summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class ReputationApiTests(StandaloneGatewayFixture fixture)
{
    [Fact]
    public async Task Get_AfterOutcomesAndARemoteReplica_ShowsTotalsScoreAndReplicas()
    {
        var ct = TestContext.Current.CancellationToken;
        using var key = AgentKey.Generate();
        var grain = fixture.Gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IReputationGrain>(key.Did.Value);
        await grain.RecordAsync(new OutcomeReport("t1/1", TaskOutcome.Completed));
        await grain.RecordAsync(new OutcomeReport("t1/1", TaskOutcome.Completed));   // repeated: counted once
        await grain.RecordAsync(new OutcomeReport("t2/1", TaskOutcome.Failed));
        await grain.MergeAsync(ReputationCounter.Empty.Increment("region-b", TaskOutcome.Completed).Increment("region-b", TaskOutcome.DisputeLost));

        var body = await HttpAssert.JsonAsync(await fixture.Gateway.Http.GetAsync($"/v1/agents/{key.Did.Value}/reputation", ct), HttpStatusCode.OK);

        Assert.Equal(key.Did.Value, body.GetProperty("did").GetString());
        Assert.Equal(2, body.GetProperty("completed").GetInt64());
        Assert.Equal(1, body.GetProperty("failed").GetInt64());
        Assert.Equal(1, body.GetProperty("disputesLost").GetInt64());
        Assert.Equal(WilsonScore.LowerBound(2, 4), body.GetProperty("score").GetDouble(), 12);
        Assert.Equal(2, body.GetProperty("replicas").GetInt32());
    }

    [Fact]
    public async Task Get_NeverSeenDid_IsZeros()
    {
        using var key = AgentKey.Generate();

        var body = await HttpAssert.JsonAsync(
            await fixture.Gateway.Http.GetAsync($"/v1/agents/{key.Did.Value}/reputation", TestContext.Current.CancellationToken), HttpStatusCode.OK);

        Assert.Equal(
            $$"""{"did":"{{key.Did.Value}}","completed":0,"failed":0,"disputesLost":0,"score":0,"replicas":0}""",
            body.GetRawText());
    }

    [Theory]
    [InlineData("did:web:example.com")]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0")]
    [InlineData("not-a-did")]
    public async Task Get_MalformedDid_Is400(string did)
    {
        var response = await fixture.Gateway.Http.GetAsync($"/v1/agents/{Uri.EscapeDataString(did)}/reputation", TestContext.Current.CancellationToken);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-did");
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheReputationRoute()
    {
        var document = await fixture.Gateway.Http.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Contains("\"/v1/agents/{did}/reputation\"", document, StringComparison.Ordinal);
    }
}
