using System.Text.Json;
using Ainur.Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ainur.Gateway.Tests.Api;

/// <summary>
/// What escapes a handler, mapped to an answer. Pure mapping: the real outages (a silo frozen, PostgreSQL restarted)
/// are driven end to end by the fault suite; here each exception shape the cluster raises is pinned to its status.
/// </summary>
public sealed class ExceptionProblemsTests
{
    [Fact]
    public async Task OrleansGivingUpOnAMessage_Is503WithRetryAfter()
    {
        // Orleans' own shape when placement outlives the message's expiry: a cancellation with no token behind it.
        var (status, retryAfter, code) = await HandleAsync(new OperationCanceledException("Message expired before placement could complete for grain task/1."));

        Assert.Equal(503, status);
        Assert.Equal("1", retryAfter);
        Assert.Equal("unavailable", code);
    }

    [Fact]
    public async Task TimeoutFromTheCluster_Is503()
    {
        var (status, _, _) = await HandleAsync(new TimeoutException("Response did not arrive on time."));

        Assert.Equal(503, status);
    }

    [Fact]
    public async Task AWriteThatMetAnotherActivations_Is503WithRetryAfter()
    {
        // Seen in the fault suite: a budget grain re-activated while its frozen silo's copy still wrote once it resumed.
        var (status, retryAfter, code) = await HandleAsync(new Orleans.Storage.InconsistentStateException("State 'budget' is no longer at the version this write expected.", "unknown", "4"));

        Assert.Equal(503, status);
        Assert.Equal("1", retryAfter);
        Assert.Equal("unavailable", code);
    }

    [Fact]
    public async Task CancellationOfACancelledToken_WhileTheCallerWaits_IsA500()
    {
        // A token that really was cancelled is code of ours stopping work, not the cluster timing out.
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var (status, _, code) = await HandleAsync(new OperationCanceledException(cancelled.Token));

        Assert.Equal(500, status);
        Assert.Equal("internal", code);
    }

    [Fact]
    public async Task AnythingElse_IsA500WithoutInternals()
    {
        var (status, retryAfter, code) = await HandleAsync(new InvalidOperationException("secret internals"));

        Assert.Equal(500, status);
        Assert.Null(retryAfter);
        Assert.Equal("internal", code);
    }

    private static async Task<(int Status, string? RetryAfter, string? Code)> HandleAsync(Exception exception)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
        };
        context.Request.Method = "POST";
        context.Request.Path = "/v1/tasks";
        var body = new MemoryStream();
        context.Response.Body = body;

        Assert.True(await new ExceptionProblems(NullLogger<ExceptionProblems>.Instance).TryHandleAsync(context, exception, CancellationToken.None));

        var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
        Assert.DoesNotContain("secret internals", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        string? retryAfter = context.Response.Headers.RetryAfter.Count == 0 ? null : context.Response.Headers.RetryAfter.ToString();
        return (context.Response.StatusCode, retryAfter, json.RootElement.GetProperty("code").GetString());
    }
}
