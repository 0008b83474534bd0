using Orleans.Runtime.Placement;

namespace Ainur.Grains.Ledger.Validators;

/// <summary>Keeping validator i on the silo <see cref="ValidatorPlacementDirector"/> chooses as silos come and go.</summary>
public sealed partial class ValidatorGrain
{
    // Placement happens once, at activation: validators activated before every silo had joined would all stay on the
    // first one. A validator that is not on the silo placement would choose now steps aside; the next call places it
    // there, and its stored guard and blocks make the move safe.
    private Task CheckPlacement(CancellationToken ct)
    {
        // The silos placement itself would consider: active, and known (through their manifests) to host validators.
        var grainType = this.GetGrainId().Type;
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active
                && manifests.Current.Silos.TryGetValue(m.SiloAddress, out var manifest) && manifest.Grains.ContainsKey(grainType))
            .Select(m => m.SiloAddress)
            .ToList();
        var misplaced = silos.Count > 0 && !ValidatorPlacementDirector.Choose(silos, _index).Equals(silo.SiloAddress);

        // Two checks in a row must agree: a silo that just joined may be in the membership view before placement uses it.
        _misplacedChecks = misplaced ? _misplacedChecks + 1 : 0;
        if (_misplacedChecks >= 2)
        {
            var destination = ValidatorPlacementDirector.Choose(silos, _index);
            LogMoving(logger, _index, RuntimeIdentity, destination);
            CancelTimers();
            _fenced = true;
            RequestContext.Set(IPlacementDirector.PlacementHintKey, destination);
            MigrateOnIdle();
        }

        return Task.CompletedTask;
    }
}
