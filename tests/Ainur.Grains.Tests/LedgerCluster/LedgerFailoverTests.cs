using Ainur.Grains.Interfaces.Ledger;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>Killing a silo that holds validators: they re-activate on the survivor, the chain goes on, nothing final changes.</summary>
[Collection(LedgerFailoverCollection.Name)]
public sealed class LedgerFailoverTests(LedgerClusterFixture fixture)
{
    private static readonly TimeSpan Finality = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KillingASiloWithValidators_TheyMoveToTheSurvivor_ChainKeepsFinalizing_NoBlockChanges_NoDoubleSign()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await fixture.SubmitAllAndWaitAsync([.. Enumerable.Range(0, 10).Select(_ => fixture.NextTransfer())], Finality, ct);
        Assert.All(first, s => Assert.Equal(TxState.Final, s.State));
        var before = await LedgerChain.StoredHashesAsync(fixture, ct);

        var victim = fixture.Cluster.Silos[^1];
        var statuses = await LedgerChain.WaitForSpreadAsync(fixture, 2, ct);
        var moved = statuses.Where(s => s.Silo == victim.SiloAddress.ToString()).Select(s => s.Index).ToList();
        Assert.True(moved.Count > 0, $"no validator on {victim.SiloAddress}: {string.Join(", ", statuses.Select(s => $"{s.Index}@{s.Silo} online={s.Online}"))}");

        await fixture.Cluster.KillSiloAsync(victim, ct);

        var second = await fixture.SubmitAllAndWaitAsync([.. Enumerable.Range(0, 10).Select(_ => fixture.NextTransfer())], Finality, ct);
        Assert.All(second, s => Assert.Equal(TxState.Final, s.State));

        var survivor = fixture.Cluster.Silos[0].SiloAddress.ToString();
        var now = await LedgerChain.WaitForSpreadAsync(fixture, 1, ct);
        Assert.All(now, s => Assert.Equal(survivor, s.Silo));
        Assert.All(now, s => Assert.Equal(0, s.Equivocations));
        var after = await LedgerChain.StoredHashesAsync(fixture, ct);
        LedgerChain.AssertUnchanged(before, after);
        LedgerChain.AssertNoFork(after);
    }
}
