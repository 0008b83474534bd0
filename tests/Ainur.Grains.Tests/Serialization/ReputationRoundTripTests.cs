using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Reputation;
using Ainur.Protocol.Reputation;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Ainur.Grains.Tests.Serialization;

/// <summary>Reputation's stored state and messages survive Orleans' serializer with every member.</summary>
public sealed class ReputationRoundTripTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static readonly ReputationCounter Counter = ReputationCounter.Empty
        .Increment("eu", TaskOutcome.Completed).Increment("eu", TaskOutcome.Failed).Increment("us", TaskOutcome.DisputeLost);

    [Fact]
    public void GrainState_RoundTripsCounterAndInFlightIds()
    {
        var state = new ReputationGrainState { Counter = Counter, InFlight = ["a/1", "b/2"] };

        var copy = Serializer.Deserialize<ReputationGrainState>(Serializer.SerializeToArray(state))!;

        Assert.Equal(Counter, copy.Counter);
        Assert.Equal(new OutcomeCounts(1, 1, 0), copy.Counter.Slot("eu"));
        Assert.Equal(["a/1", "b/2"], copy.InFlight.Order());
        Assert.Contains("a/1", copy.InFlight);
    }

    [Fact]
    public void MessagesAndCounter_RoundTrip()
    {
        var report = new OutcomeReport("00ff/3", TaskOutcome.DisputeLost);
        var view = new ReputationView(1, 2, 3, 0.25, 2);

        Assert.Equal(report, Serializer.Deserialize<OutcomeReport>(Serializer.SerializeToArray(report)));
        Assert.Equal(view, Serializer.Deserialize<ReputationView>(Serializer.SerializeToArray(view)));
        var counter = Serializer.Deserialize<ReputationCounter>(Serializer.SerializeToArray(Counter))!;
        Assert.Equal(Counter, counter);
        Assert.Equal(Counter.Increment("us", TaskOutcome.Completed), counter.Increment("us", TaskOutcome.Completed));
    }
}
