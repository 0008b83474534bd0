using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Silo.Hosting;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace Ainur.Gateway.Errors;

/// <summary>
/// Turns what escapes a handler into problem+json: bad HTTP framing keeps its 4xx, a cluster or ledger that cannot
/// answer now (a silo failing over, the ledger or the database unreachable, a write that met another activation's) is
/// 503 with Retry-After, anything else is a 500 without internals.
/// </summary>
internal sealed partial class ExceptionProblems(ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                Problems.Create(bad.StatusCode, "body-too-large", "The request body is too large", bad.Message),
            BadHttpRequestException bad =>
                Problems.Create(bad.StatusCode, "bad-request", "The request could not be read", bad.Message),
            LedgerUnavailableException ledger => LedgerProblems.Unavailable(ledger.Message),
            _ when exception is StorageUnavailableException || DatabaseUnavailability.Find(exception) is not null =>
                Problems.Unavailable("The database could not be reached; retry shortly."),
            // A write that met another activation's (a silo failing over, or back from a pause): the grain re-reads on the next call.
            InconsistentStateException =>
                Problems.Unavailable("The request met state that another copy of a grain had just written (a silo failing over); retry shortly."),
            _ when ClusterUnavailable.Is(exception) =>
                Problems.Unavailable("The cluster could not answer in time; retry shortly."),
            _ => null,
        };

        if (problem is null)
        {
            if (httpContext.RequestAborted.IsCancellationRequested)
            {
                return true;
            }

            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = Problems.Create(StatusCodes.Status500InternalServerError, "internal", "Internal error", "The request failed; it has been logged.");
        }
        else if (problem.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        await problem.ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}

/// <summary>The exceptions Orleans raises while a silo is failing over: worth a retry, not a 500.</summary>
internal static class ClusterUnavailable
{
    /// <remarks>
    /// A cancellation whose token was never cancelled is Orleans giving up on a message (placement or a response past
    /// its expiry, e.g. while the silo that owns the directory entry is frozen); a caller hanging up cancels a real token.
    /// </remarks>
    public static bool Is(Exception exception) => exception is
        OrleansMessageRejectionException or SiloUnavailableException or TimeoutException or ConnectionFailedException
        or ClientNotAvailableException or OrleansException { InnerException: SiloUnavailableException }
        or OperationCanceledException { CancellationToken.IsCancellationRequested: false };
}
