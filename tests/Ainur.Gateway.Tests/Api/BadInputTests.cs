using System.Net;
using System.Text;
using Ainur.Protocol.Identity;
using CsCheck;
using Ainur.Testing.Nodes;
using Ainur.Testing.Http;

namespace Ainur.Gateway.Tests.Api;

/// <summary>Whatever a caller sends, the answer is a 4xx problem+json and nothing is stored.</summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class BadInputTests(StandaloneGatewayFixture fixture)
{
    private InProcessGateway Gateway => fixture.Gateway;

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "not JSON", "{\"did\": " },
        { "an array", "[1,2,3]" },
        { "missing manifest", "{\"did\":\"$DID\"}" },
        { "missing did", "{\"manifest\":{\"name\":\"a\",\"version\":\"1\",\"capabilities\":[],\"runtime\":{\"kind\":\"remote\"}}}" },
        { "price as text", "{\"did\":\"$DID\",\"manifest\":{\"name\":\"a\",\"version\":\"1\",\"capabilities\":[{\"id\":\"x\",\"description\":\"d\",\"price\":\"ten\",\"inputSchema\":{},\"outputSchema\":{}}],\"runtime\":{\"kind\":\"remote\"}}}" },
        { "fractional price", "{\"did\":\"$DID\",\"manifest\":{\"name\":\"a\",\"version\":\"1\",\"capabilities\":[{\"id\":\"x\",\"description\":\"d\",\"price\":1.5,\"inputSchema\":{},\"outputSchema\":{}}],\"runtime\":{\"kind\":\"remote\"}}}" },
        { "null capabilities", "{\"did\":\"$DID\",\"manifest\":{\"name\":\"a\",\"version\":\"1\",\"capabilities\":null,\"runtime\":{\"kind\":\"remote\"}}}" },
        { "deterministic as text", "{\"did\":\"$DID\",\"manifest\":{\"name\":\"a\",\"version\":\"1\",\"capabilities\":[{\"id\":\"x\",\"description\":\"d\",\"price\":1,\"inputSchema\":{},\"outputSchema\":{},\"deterministic\":\"yes\"}],\"runtime\":{\"kind\":\"remote\"}}}" },
        { "deterministic null", "{\"did\":\"$DID\",\"manifest\":{\"name\":\"a\",\"version\":\"1\",\"capabilities\":[{\"id\":\"x\",\"description\":\"d\",\"price\":1,\"inputSchema\":{},\"outputSchema\":{},\"deterministic\":null}],\"runtime\":{\"kind\":\"remote\"}}}" },
        { "unknown runtime kind", "{\"did\":\"$DID\",\"manifest\":{\"name\":\"a\",\"version\":\"1\",\"capabilities\":[],\"runtime\":{\"kind\":\"docker\"}}}" },
        { "unknown member", "{\"did\":\"$DID\",\"admin\":true,\"manifest\":{\"name\":\"a\",\"version\":\"1\",\"capabilities\":[],\"runtime\":{\"kind\":\"remote\"}}}" },
        { "invalid did", "{\"did\":\"did:key:zNOTAKEY\",\"manifest\":{\"name\":\"a\",\"version\":\"1\",\"capabilities\":[],\"runtime\":{\"kind\":\"remote\"}}}" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Register_MalformedBody_Is400AndStoresNothing(string why, string template)
    {
        using var key = AgentKey.Generate();
        var body = template.Replace("$DID", key.Did.Value, StringComparison.Ordinal);

        var response = await SendAsync(RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", body));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-body");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), why);
        await AssertNotRegisteredAsync(key.Did);
    }

    [Fact]
    public async Task Register_ManifestBreakingRules_Is422ListingEachRule()
    {
        using var key = AgentKey.Generate();
        var body = $$$"""
            {"did":"{{{key.Did.Value}}}","manifest":{"name":"","version":"1","capabilities":[
              {"id":"Bad Id","description":"d","price":-1,"inputSchema":{},"outputSchema":"not a schema"}],
              "runtime":{"kind":"wasm"},"endpoint":"ftp://x"}}
            """;

        var problem = await HttpAssert.ProblemAsync(await SendAsync(RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", body)), HttpStatusCode.UnprocessableEntity, "invalid-manifest");

        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToHashSet();
        Assert.Superset(
            new HashSet<string?> { "name", "capabilities/0/id", "capabilities/0/price", "capabilities/0/outputSchema", "runtime/moduleHash", "endpoint" },
            fields);
        await AssertNotRegisteredAsync(key.Did);
    }

    [Fact]
    public async Task Register_OversizeBody_Is413AndStoresNothing()
    {
        using var key = AgentKey.Generate();
        var padding = new string('x', 300 * 1024);
        var body = RequestSigner.RegistrationBody(key.Did).Replace("Summarizes English text.", padding, StringComparison.Ordinal);

        await HttpAssert.ProblemAsync(await SendAsync(RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", body)), HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        await AssertNotRegisteredAsync(key.Did);
    }

    [Theory]
    [InlineData("did:web:example.com")]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0")]
    [InlineData("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")]
    [InlineData("not-a-did")]
    public async Task Get_InvalidDidInRoute_Is400(string did)
    {
        var response = await Gateway.Http.GetAsync($"/v1/agents/{Uri.EscapeDataString(did)}", TestContext.Current.CancellationToken);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-did");
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethod_AreProblems()
    {
        var ct = TestContext.Current.CancellationToken;
        await HttpAssert.ProblemAsync(await Gateway.Http.GetAsync("/v1/nothing-here", ct), HttpStatusCode.NotFound, "not-found");
        await HttpAssert.ProblemAsync(await Gateway.Http.DeleteAsync("/v1/agents", ct), HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }

    [Fact]
    public async Task Register_ArbitrarySignedBodies_NeverServerError()
    {
        using var key = AgentKey.Generate();
        var statuses = new List<HttpStatusCode>();

        // Random JSON-ish text, correctly signed, so it reaches the parser and the protocol rules.
        var bodies = Gen.OneOf(
            Gen.String[Gen.Char.AlphaNumeric, 0, 200],
            Gen.String[Gen.Char["{}[]\":,0123456789.-tfnulre \\"], 0, 200],
            Gen.Int[0, 5].Select(n => RequestSigner.RegistrationBody(key.Did)[..(n * 40)]));
        foreach (var body in bodies.Array[60].Single())
        {
            var response = await SendAsync(RequestSigner.SignedPost(key, Gateway.Address, "/v1/agents", body));
            statuses.Add(response.StatusCode);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for body: {body}");
            if (!response.IsSuccessStatusCode)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Contains(statuses, s => s == HttpStatusCode.BadRequest);
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => Gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);

    private async Task AssertNotRegisteredAsync(Did did) =>
        await HttpAssert.ProblemAsync(await Gateway.Http.GetAsync($"/v1/agents/{did.Value}", TestContext.Current.CancellationToken), HttpStatusCode.NotFound, "agent-not-found");
}
