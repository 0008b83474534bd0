using Ainur.Gateway.Errors;
using Ainur.Gateway.Hosting;
using Ainur.Gateway.Telemetry;
using Ainur.Grains.Interfaces.Security;

namespace Ainur.Gateway.RateLimiting;

/// <summary>
/// Asks the caller's cluster-wide token bucket for a token and answers 429 when there is none. Fails open while the
/// bucket's silo is failing over: a limit that protects the cluster must not take the gateway down with it.
/// </summary>
public sealed class CallerRateLimiter(IClusterClient cluster, AinurMetrics metrics)
{
    /// <summary>True to proceed; false when a 429 problem has been written.</summary>
    public async Task<bool> TryAcquireAsync(HttpContext context, string scope, string key, RateLimitSettings settings)
    {
        if (settings.PerSecond <= 0)
        {
            return true;
        }

        RateLimitDecision decision;
        try
        {
            decision = await cluster.GetGrain<IRateLimitGrain>(key).TryAcquireAsync(new RateLimitPolicy(settings.PerSecond, Math.Max(1, settings.Burst)));
        }
        catch (Exception e) when (ClusterUnavailable.Is(e))
        {
            return true;
        }

        if (decision.Allowed)
        {
            return true;
        }

        metrics.RateLimited(scope);
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Problems.RateLimited(scope, decision.RetryAfter).ExecuteAsync(context);
        return false;
    }
}
