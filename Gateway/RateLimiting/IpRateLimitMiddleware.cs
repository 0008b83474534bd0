using Ainur.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.RateLimiting;

/// <summary>
/// Limits every API request by client IP address. Health probes and metrics scrapes are exempt so that a busy
/// gateway still looks alive. The address is the TCP peer's: behind a proxy, configure forwarded headers first.
/// </summary>
internal sealed class IpRateLimitMiddleware(RequestDelegate next, CallerRateLimiter limiter, IOptions<GatewayOptions> options)
{
    private static readonly PathString[] Exempt = ["/healthz", "/readyz", "/metrics"];

    public async Task InvokeAsync(HttpContext context)
    {
        if (Exempt.Any(p => context.Request.Path.StartsWithSegments(p)))
        {
            await next(context);
            return;
        }

        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (await limiter.TryAcquireAsync(context, "ip", "ip:" + address, options.Value.PerIp))
        {
            await next(context);
        }
    }
}
