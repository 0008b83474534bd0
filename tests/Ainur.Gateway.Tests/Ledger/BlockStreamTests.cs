using System.Globalization;
using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Protocol.Identity;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>The finalized-block stream (server-sent events): in order, resumable from a height, live.</summary>
[Collection(StandaloneGatewayCollection.Name)]
public sealed class BlockStreamTests(StandaloneGatewayFixture fixture)
{
    private readonly LedgerCalls _ledger = new(fixture.Gateway);

    [Fact]
    public async Task Stream_ResumesAfterLastEventId_OverFrom_AndThenDeliversNewBlocks()
    {
        using var alice = AgentKey.Generate();
        var resumeAfter = (await _ledger.FundAsync(alice)).GetProperty("height").GetInt64();
        var head = (await _ledger.FundAsync(alice)).GetProperty("height").GetInt64();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/ledger/blocks/stream?from=1");
        request.Headers.Add("Last-Event-ID", resumeAfter.ToString(CultureInfo.InvariantCulture));
        await using var stream = await OpenAsync(request);

        for (var expected = resumeAfter + 1; expected <= head; expected++)
        {
            AssertBlockEvent(await stream.NextAsync(), expected);
        }

        var live = await _ledger.FundAsync(alice);
        var liveHeight = live.GetProperty("height").GetInt64();
        SseEvent received;
        do
        {
            received = await stream.NextAsync();
            AssertBlockEvent(received, ++head);
        }
        while (head < liveHeight);

        var ids = received.Data.GetProperty("transactionIds").EnumerateArray().Select(t => t.GetString());
        Assert.Contains(live.GetProperty("id").GetString(), ids);
    }

    [Fact]
    public async Task Stream_FromHeight_StartsAtThatHeight()
    {
        using var alice = AgentKey.Generate();
        var height = (await _ledger.FundAsync(alice)).GetProperty("height").GetInt64();

        await using var stream = await OpenAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/ledger/blocks/stream?from={height}"));

        var first = await stream.NextAsync();
        AssertBlockEvent(first, height);
        Assert.Equal(LedgerCalls.ChainId, first.Data.GetProperty("header").GetProperty("chainId").GetString());
        Assert.Equal(first.Data.GetProperty("header").GetProperty("hash").GetString(), first.Data.GetProperty("certificate").GetProperty("blockHash").GetString());
    }

    private static void AssertBlockEvent(SseEvent received, long height)
    {
        Assert.Equal(("block", height.ToString(CultureInfo.InvariantCulture)), (received.Type, received.Id));
        Assert.Equal(height, received.Data.GetProperty("header").GetProperty("height").GetInt64());
    }

    private async Task<SseReader> OpenAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var response = await _ledger.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            return new SseReader(response, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        }
    }
}
