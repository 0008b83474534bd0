using System.Net;
using Ainur.Grains.Interfaces.Runtime;
using Ainur.Grains.Ledger.Validators;
using Ainur.Grains.Placement;
using Ainur.Grains.Runtime;
using Orleans.Runtime;

namespace Ainur.Grains.Tests.Placement;

/// <summary>Both placement directors pick from the silos in address order, whatever order the cluster lists them in.</summary>
public sealed class OrderedSilosTests
{
    private static readonly SiloAddress[] Silos = [Silo(11113), Silo(11111), Silo(11112)];

    [Fact]
    public void Validators_go_round_the_silos_in_address_order()
    {
        var chosen = Enumerable.Range(0, 4).Select(i => ValidatorPlacementDirector.Choose(Silos, i).Endpoint.Port).ToArray();

        Assert.Equal([11111, 11112, 11113, 11111], chosen);
    }

    [Fact]
    public void A_verifier_avoids_the_silo_its_key_names_unless_it_is_the_only_one()
    {
        var avoided = Silos[1].ToParsableString();

        var chosen = Enumerable.Range(0, 3).Select(slot => AwayFromSiloPlacementDirector.Choose(Silos, VerifierKeys.Away(avoided, slot)).Endpoint.Port).ToArray();

        Assert.Equal([11112, 11113, 11112], chosen);
        Assert.Equal(Silos[1], AwayFromSiloPlacementDirector.Choose([Silos[1]], VerifierKeys.Away(avoided, 1)));
    }

    [Fact]
    public void A_slot_wraps_round_the_candidates()
    {
        Assert.Equal(11112, OrderedSilos.Pick(Silos, 4).Endpoint.Port);
        Assert.Equal(11112, OrderedSilos.Pick(Silos, -1).Endpoint.Port);
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);
}
