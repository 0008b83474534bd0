using Orleans.Runtime;

namespace Ainur.Grains.Placement;

/// <summary>
/// The silo choice the placement directors share: the compatible silos in address order, so every silo that places the
/// same key picks the same silo, and a key's slot picks among them.
/// </summary>
public static class OrderedSilos
{
    /// <summary>
    /// The silo at <paramref name="slot"/> (taken modulo their count) among <paramref name="silos"/> (non-empty) in address
    /// order, leaving out the silo whose parsable address is <paramref name="avoid"/> unless no other is left.
    /// </summary>
    public static SiloAddress Pick(IEnumerable<SiloAddress> silos, long slot, string? avoid = null)
    {
        var ordered = silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var others = avoid is null ? ordered : ordered.Where(s => s.ToParsableString() != avoid).ToArray();
        var candidates = others.Length > 0 ? others : ordered;
        return candidates[(int)(Math.Abs(slot) % candidates.Length)];
    }
}
