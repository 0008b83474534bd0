using Ainur.Grains.Placement;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Ainur.Grains.Ledger.Validators;

/// <summary>
/// Spreads validators over the silos: validator i goes to silo i mod S of the compatible silos ordered by address,
/// so with S silos each holds about N/S validators and losing one silo loses as few as possible. When a silo dies the
/// order changes and its validators re-activate on the survivors.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.ValidatorPlacement")]
public sealed class ValidatorPlacementStrategy : PlacementStrategy;

/// <summary>Marks a grain class as placed by <see cref="ValidatorPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ValidatorPlacementAttribute() : PlacementAttribute(new ValidatorPlacementStrategy());

/// <summary>Chooses validator i's silo (see <see cref="ValidatorPlacementStrategy"/>).</summary>
public sealed class ValidatorPlacementDirector : IPlacementDirector
{
    /// <inheritdoc/>
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);

        // A validator moving itself (see ValidatorGrain) names its destination as the placement hint.
        return Task.FromResult(IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) ?? Choose(silos, target.GrainIdentity.GetIntegerKey()));
    }

    /// <summary>Validator <paramref name="index"/>'s silo among <paramref name="silos"/> (non-empty).</summary>
    public static SiloAddress Choose(IEnumerable<SiloAddress> silos, long index) => OrderedSilos.Pick(silos, index);
}
