using System.Collections.Immutable;
using Ainur.Protocol.Consensus;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>Hand-made restart schedules on the simulator that random schedules rarely produce.</summary>
public sealed class RestartScenarioTests
{
    [Fact]
    public void Restart_LockedOnABlockOnlyItSawWinPrevotes_RecoversTheBlockAndTheChainDecides()
    {
        // Validator 3 is silent, so every decision needs 0, 1 and 2. In round 0, 0 sees 2f+1 prevotes for v and locks
        // it, but its prevote and precommit never reach 1 and 2, which saw no quorum and stay unlocked. 0 crashes and
        // restarts with its lock known by hash only. Unless 0 gets v back and can re-propose it, 0 prevotes nil on every
        // other block and nothing is ever decided again.
        var options = new SimOptions
        {
            Validators = 4,
            Faulty = ImmutableDictionary<int, Byzantine>.Empty.Add(3, Byzantine.Silent),
            Outages = [new Outage(0, 50, 400, OutageKind.Crash)],
            MaxDelay = 2,
            Submissions = [0],
            BlockSize = 1,
        };
        SimNetwork? net = null;
        net = new SimNetwork(options, seed: 1)
        {
            Drop = (from, _, message) => net!.Now < 50 && from == 0 && message.Height == 1 && message.Round == 0 && message is VoteMessage,
        };

        Assert.False(net.Run(399, net.AllFinal));
        Assert.Equal(0, net.Nodes[0].Persisted?.LockedRound);
        Assert.All(net.Nodes.Skip(1).Take(2), node => Assert.Equal(-1, node.State.LockedRound));

        Assert.True(net.Run(400 + SimRunner.LivenessBound, net.AllFinal), "the chain never decided after the restart");
    }
}
