using Ainur.Protocol.Discovery;

namespace Ainur.Grains.Discovery;

/// <summary>Discovery and routing settings of a silo (from <c>Ainur:Discovery</c>).</summary>
public sealed class DiscoverySettings
{
    /// <summary>A remote agent silent this long is absent. Default 60 s: two missed long polls of the longest wait.</summary>
    public TimeSpan PresenceTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Lowest similarity of a need to a capability that counts as a match (one routing may choose).</summary>
    public double Threshold { get; init; } = Routing.DefaultThreshold;

    /// <summary>Lowest similarity discover shows (weak matches below <see cref="Threshold"/> are shown as ineligible).</summary>
    public double ShowFloor => Math.Min(Routing.NoiseFloor, Threshold);

    /// <summary>How many of the best candidates compete on load.</summary>
    public int TopFew { get; init; } = Routing.DefaultTopFew;

    /// <summary>The longest between two beats an agent sends on its own (a quarter of the TTL).</summary>
    public TimeSpan BeatInterval => PresenceTtl / 4;
}
