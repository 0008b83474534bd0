using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Identity;
using Ainur.Testing.Http;

namespace Ainur.Gateway.Tests.Discovery;

/// <summary>
/// Listing, capabilities, discovery and heartbeats on real HTTP against a standalone node. Each test registers agents
/// under capability ids of its own (a fresh domain), so others' agents never show up in what it checks.
/// </summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class DiscoveryApiTests(StandaloneGatewayFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListAgents_ByCapability_PagesInDidOrder_EachOnce()
    {
        var domain = Domain();
        var keys = Enumerable.Range(0, 5).Select(_ => AgentKey.Generate()).ToList();
        try
        {
            foreach (var key in keys)
            {
                await RegisterAsync(key, [($"{domain}.summarize", "Condenses long reports into short summaries.", 7)]);
            }

            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var page = await GetJsonAsync($"/v1/agents?capability={domain}.summarize&limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
                var agents = page.GetProperty("agents").EnumerateArray().ToList();
                Assert.InRange(agents.Count, 1, 2);
                seen.AddRange(agents.Select(a => a.GetProperty("did").GetString()!));
                Assert.All(agents, a => Assert.True(a.GetProperty("present").GetBoolean()));
                cursor = page.TryGetProperty("next", out var next) ? next.GetString() : null;
            }
            while (cursor is not null);

            Assert.Equal(keys.Select(k => k.Did.Value).Order(StringComparer.Ordinal), seen);
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }
    }

    [Fact]
    public async Task ListCapabilities_CountsAgentsAndPriceRange()
    {
        var domain = Domain();
        using var cheap = AgentKey.Generate();
        using var dear = AgentKey.Generate();
        await RegisterAsync(cheap, [($"{domain}.ocr", "Reads printed text from scanned pages.", 3), ($"{domain}.caption", "Describes a photo in a sentence.", 4)]);
        await RegisterAsync(dear, [($"{domain}.ocr", "Reads text in photographs of documents.", 11)]);

        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync("/v1/capabilities?limit=500" + (cursor is null ? "" : "&cursor=" + cursor));
            all.AddRange(page.GetProperty("capabilities").EnumerateArray());
            cursor = page.TryGetProperty("next", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        var ocr = all.Single(c => c.GetProperty("id").GetString() == $"{domain}.ocr");
        Assert.Equal(2, ocr.GetProperty("agents").GetInt32());
        Assert.Equal(3, ocr.GetProperty("minPrice").GetInt64());
        Assert.Equal(11, ocr.GetProperty("maxPrice").GetInt64());
        Assert.Equal(1, all.Single(c => c.GetProperty("id").GetString() == $"{domain}.caption").GetProperty("agents").GetInt32());
    }

    [Fact]
    public async Task Discover_NeedInOtherWords_FindsTheMatchingAgentFirst_WithWhy()
    {
        var domain = Domain();
        using var transcriber = AgentKey.Generate();
        using var translator = AgentKey.Generate();
        await RegisterAsync(transcriber, [($"{domain}.transcribe", "Converts speech in audio recordings into a written transcript.", 5)]);
        await RegisterAsync(translator, [($"{domain}.translate", "Translates German text into English.", 5)]);

        var body = await GetJsonAsync("/v1/discover?q=" + Uri.EscapeDataString("write down what is said in my podcast episode") + "&k=50&maxPrice=10");

        var ours = body.GetProperty("agents").EnumerateArray()
            .Where(a => a.GetProperty("capability").GetString()!.StartsWith(domain, StringComparison.Ordinal)).ToList();
        Assert.Equal(transcriber.Did.Value, ours[0].GetProperty("did").GetString());
        var first = ours[0];
        Assert.True(first.GetProperty("similarity").GetDouble() > 0.3);
        Assert.True(first.GetProperty("present").GetBoolean());
        Assert.False(first.GetProperty("staked").GetBoolean());
        Assert.False(first.GetProperty("eligible").GetBoolean());
        Assert.Contains("stake", first.GetProperty("why").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, first.GetProperty("inFlight").GetInt32());
    }

    [Fact]
    public async Task Discover_SameQueryTwice_SecondIsCached()
    {
        var q = Uri.EscapeDataString($"estimate the value of my house number {Guid.NewGuid():N}");
        Assert.False((await GetJsonAsync($"/v1/discover?q={q}")).GetProperty("cached").GetBoolean());
        Assert.True((await GetJsonAsync($"/v1/discover?q={q}")).GetProperty("cached").GetBoolean());
    }

    [Theory]
    [InlineData("/v1/discover", "invalid-q")]
    [InlineData("/v1/discover?q=", "invalid-q")]
    [InlineData("/v1/discover?q=%20%20%09", "invalid-q")]
    [InlineData("/v1/discover?q=%3F%3F%3F", "invalid-q")]
    [InlineData("/v1/discover?q=sum%E2%80%AEmarize", "invalid-q")]       // right-to-left override
    [InlineData("/v1/discover?q=sum%E2%80%8Bmarize", "invalid-q")]       // zero-width space
    [InlineData("/v1/discover?q=sum%00marize", "invalid-q")]             // NUL
    [InlineData("/v1/discover?q=sum%07marize", "invalid-q")]             // bell
    [InlineData("/v1/discover?q=summarize&k=0", "invalid-k")]
    [InlineData("/v1/discover?q=summarize&k=51", "invalid-k")]
    [InlineData("/v1/discover?q=summarize&k=-1", "invalid-k")]
    [InlineData("/v1/discover?q=summarize&k=1e3", "invalid-k")]
    [InlineData("/v1/discover?q=summarize&k=99999999999999999999", "invalid-k")]
    [InlineData("/v1/discover?q=summarize&k=1&k=2", "invalid-k")]
    [InlineData("/v1/discover?q=summarize&maxPrice=-5", "invalid-maxPrice")]
    [InlineData("/v1/agents?limit=0", "invalid-limit")]
    [InlineData("/v1/agents?limit=101", "invalid-limit")]
    [InlineData("/v1/agents?limit=ten", "invalid-limit")]
    [InlineData("/v1/agents?cursor=not-a-cursor", "invalid-cursor")]
    [InlineData("/v1/agents?cursor=YWJj", "invalid-cursor")]
    [InlineData("/v1/agents?capability=Text.Summarize", "invalid-capability")]
    [InlineData("/v1/agents?capability=../../etc", "invalid-capability")]
    [InlineData("/v1/capabilities?limit=501", "invalid-limit")]
    [InlineData("/v1/capabilities?cursor=%F0%9F%99%82", "invalid-cursor")]
    public async Task BadQuery_Is400ProblemJson(string target, string code)
    {
        var response = await fixture.Gateway.Http.GetAsync(target, Ct);
        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Discover_HugeQuery_Is4xxProblemJson()
    {
        var response = await fixture.Gateway.Http.GetAsync("/v1/discover?q=" + new string('a', 600), Ct);
        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-q");
        await HttpAssert.ProblemAsync(await fixture.Gateway.Http.GetAsync("/v1/discover?q=" + new string('a', 4_000), Ct), HttpStatusCode.BadRequest, "invalid-q");
    }

    [Fact]
    public async Task Heartbeat_OwnAgent_IsPresent_OtherSigner403_Unregistered404()
    {
        var domain = Domain();
        using var agent = AgentKey.Generate();
        using var other = AgentKey.Generate();
        await RegisterAsync(agent, [($"{domain}.echo", "Returns its input.", 1)]);
        using var client = new SignedClient(fixture.Gateway.Http);

        var ok = await HttpAssert.JsonAsync(await client.PostSignedAsync(agent, $"/v1/agents/{agent.Did.Value}/heartbeat", "{}", Ct), HttpStatusCode.OK);
        Assert.True(ok.GetProperty("present").GetBoolean());
        await HttpAssert.ProblemAsync(await client.PostSignedAsync(other, $"/v1/agents/{agent.Did.Value}/heartbeat", "{}", Ct), HttpStatusCode.Forbidden, "not-owner");
        await HttpAssert.ProblemAsync(await client.PostSignedAsync(other, $"/v1/agents/{other.Did.Value}/heartbeat", "{}", Ct), HttpStatusCode.NotFound, "agent-not-found");
        await HttpAssert.ProblemAsync(await client.PostSignedAsync(agent, $"/v1/agents/{agent.Did.Value}/heartbeat", "[1]", Ct), HttpStatusCode.BadRequest, "malformed-body");
    }

    private static string Domain() => "d" + Guid.NewGuid().ToString("N")[..12];

    private async Task RegisterAsync(AgentKey key, (string Id, string Description, long Price)[] capabilities)
    {
        var caps = string.Join(",", capabilities.Select(c =>
            $$$"""{"id":"{{{c.Id}}}","description":{{{JsonSerializer.Serialize(c.Description)}}},"price":{{{c.Price}}},"inputSchema":{"type":"object"},"outputSchema":{"type":"object"}}"""));
        var manifest = $$$"""{"name":"agent","version":"1.0.0","capabilities":[{{{caps}}}],"runtime":{"kind":"remote"}}""";
        using var client = new SignedClient(fixture.Gateway.Http);
        var response = await client.RegisterAsync(key, manifest, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<JsonElement> GetJsonAsync(string target) =>
        await HttpAssert.JsonAsync(await fixture.Gateway.Http.GetAsync(target, Ct), HttpStatusCode.OK);
}
