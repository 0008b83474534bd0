using Ainur.Grains.Interfaces.Runtime;
using Ainur.Grains.Placement;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Ainur.Grains.Runtime;

/// <summary>
/// Places a verifier away from the silo its key names (<see cref="VerifierKeys"/>): on one of the other compatible silos,
/// chosen by the key's slot, or on that silo itself only when it is the only one.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.AwayFromSiloPlacement")]
public sealed class AwayFromSiloPlacementStrategy : PlacementStrategy;

/// <summary>Marks a grain class as placed by <see cref="AwayFromSiloPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class AwayFromSiloPlacementAttribute() : PlacementAttribute(new AwayFromSiloPlacementStrategy());

/// <summary>Chooses a verifier's silo (see <see cref="AwayFromSiloPlacementStrategy"/>).</summary>
public sealed class AwayFromSiloPlacementDirector : IPlacementDirector
{
    /// <inheritdoc/>
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        return Task.FromResult(Choose(silos, target.GrainIdentity.Key.ToString()!));
    }

    /// <summary>The silo for a verifier keyed <paramref name="key"/> among <paramref name="silos"/> (non-empty).</summary>
    public static SiloAddress Choose(IEnumerable<SiloAddress> silos, string key)
    {
        var (avoid, slot) = VerifierKeys.Parse(key) ?? ("", 0);
        return OrderedSilos.Pick(silos, slot, avoid);
    }
}
