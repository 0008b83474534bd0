using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger.Mempool;
using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Tests.Mempool;

/// <summary>The mempool's bounded memory of outcomes: oldest out first, and a forgotten or replaced entry never evicts a newer one.</summary>
public sealed class RecentOutcomesTests
{
    [Fact]
    public void OverCapacity_ForgetsTheOldest()
    {
        var outcomes = new RecentOutcomes(capacity: 3);
        var ids = Enumerable.Range(1, 5).Select(Id).ToArray();

        foreach (var id in ids)
        {
            outcomes.Remember(Final(id));
        }

        Assert.False(outcomes.TryGet(ids[0], out _));
        Assert.False(outcomes.TryGet(ids[1], out _));
        Assert.All(ids[2..], id => Assert.True(outcomes.TryGet(id, out _)));
    }

    [Fact]
    public void ForgottenThenRememberedAgain_IsKeptAsTheNewest()
    {
        var outcomes = new RecentOutcomes(capacity: 2);
        var (a, b, c) = (Id(1), Id(2), Id(3));
        outcomes.Remember(new TxStatus(a, TxState.Rejected, 0, -1, null));
        outcomes.Forget(a);
        outcomes.Remember(Final(b));
        outcomes.Remember(Final(a));

        // The slot a first had is the oldest in line; it must not take a's new outcome with it.
        outcomes.Remember(Final(c));

        Assert.True(outcomes.TryGet(a, out var status));
        Assert.Equal(TxState.Final, status.State);
        Assert.True(outcomes.TryGet(c, out _));
        Assert.False(outcomes.TryGet(b, out _));
    }

    private static Hash32 Id(int n) => new(Enumerable.Repeat((byte)n, 32).ToArray());

    private static TxStatus Final(Hash32 id) => new(id, TxState.Final, 1, 0, null);
}
