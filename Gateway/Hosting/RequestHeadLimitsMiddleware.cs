using Ainur.Gateway.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.Hosting;

/// <summary>
/// Enforces the request-target and header-size limits with problem+json answers (414 <c>uri-too-long</c>, 431
/// <c>headers-too-large</c>). Kestrel refuses what passes its own limits before any middleware runs, with an empty
/// body, so its limits are set above these (<see cref="KestrelCeiling"/>) and only requests past that ceiling get its bare answer.
/// </summary>
internal sealed class RequestHeadLimitsMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    /// <summary>Kestrel's limits as a multiple of the gateway's: room for the requests this middleware answers.</summary>
    public const int KestrelCeiling = 2;

    public Task InvokeAsync(HttpContext context)
    {
        var settings = options.Value;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (target.Length > settings.MaxRequestTargetBytes)
        {
            return Problems.UriTooLong(settings.MaxRequestTargetBytes).ExecuteAsync(context);
        }

        // Counted as on the wire: "name: value" and CRLF per line.
        var headerBytes = 0;
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                headerBytes += name.Length + 2 + (value?.Length ?? 0) + 2;
            }
        }

        return headerBytes > settings.MaxRequestHeaderBytes
            ? Problems.HeadersTooLarge(settings.MaxRequestHeaderBytes).ExecuteAsync(context)
            : next(context);
    }
}
