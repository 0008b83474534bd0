namespace Ainur.Grains.Interfaces.Security;

/// <summary>
/// A token bucket for one caller, keyed <c>ip:ADDRESS</c> or <c>did:DID</c>. One activation per key in the whole
/// cluster, so every gateway draws from the same bucket. Held in memory: after a silo failure a bucket starts full.
/// </summary>
[Alias("ainur.IRateLimitGrain")]
public interface IRateLimitGrain : IGrainWithStringKey
{
    /// <summary>Takes one token if the bucket has one.</summary>
    [Alias("TryAcquire")]
    ValueTask<RateLimitDecision> TryAcquireAsync(RateLimitPolicy policy);
}

/// <summary>A bucket of <see cref="Burst"/> tokens refilled at <see cref="PerSecond"/> tokens per second.</summary>
[GenerateSerializer, Immutable, Alias("ainur.RateLimitPolicy")]
public sealed record RateLimitPolicy([property: Id(0)] double PerSecond, [property: Id(1)] int Burst);

/// <summary>Whether the call may proceed, and if not, how long until a token is free.</summary>
[GenerateSerializer, Immutable, Alias("ainur.RateLimitDecision")]
public readonly record struct RateLimitDecision([property: Id(0)] bool Allowed, [property: Id(1)] TimeSpan RetryAfter);
