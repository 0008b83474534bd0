using Ainur.Grains.Interfaces.Security;

namespace Ainur.Grains.Security;

/// <summary>
/// Token bucket for one caller. Kept in memory on purpose: rate limits protect the cluster now and need not survive
/// a silo failure. Deactivates when idle like any grain, which resets the bucket to full.
/// </summary>
internal sealed class RateLimitGrain(TimeProvider clock) : Grain, IRateLimitGrain
{
    private double _tokens = double.NaN;
    private long _lastRefill;

    ValueTask<RateLimitDecision> IRateLimitGrain.TryAcquireAsync(RateLimitPolicy policy)
    {
        var now = clock.GetTimestamp();
        _tokens = double.IsNaN(_tokens)
            ? policy.Burst
            : Math.Min(policy.Burst, _tokens + (clock.GetElapsedTime(_lastRefill, now).TotalSeconds * policy.PerSecond));
        _lastRefill = now;

        if (_tokens >= 1)
        {
            _tokens -= 1;
            return ValueTask.FromResult(new RateLimitDecision(true, TimeSpan.Zero));
        }

        var wait = TimeSpan.FromSeconds((1 - _tokens) / policy.PerSecond);
        return ValueTask.FromResult(new RateLimitDecision(false, wait));
    }
}
