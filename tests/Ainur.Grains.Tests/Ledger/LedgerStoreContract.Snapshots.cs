namespace Ainur.Grains.Tests.Ledger;

/// <summary>Snapshots: the latest one is kept per validator, an earlier one never replaces it.</summary>
public abstract partial class LedgerStoreContract
{
    [Fact]
    public async Task LoadSnapshot_NeverSaved_IsNull()
    {
        Assert.Null(await Store.LoadSnapshotAsync(ChainId, 0, Ct));
    }

    [Fact]
    public async Task SaveSnapshot_Later_Replaces_Earlier_ChangesNothing_PerValidator()
    {
        await Store.SaveSnapshotAsync(ChainId, 0, 10, [1, 2, 3], Ct);
        await Store.SaveSnapshotAsync(ChainId, 0, 20, [4, 5], Ct);
        await Store.SaveSnapshotAsync(ChainId, 0, 15, [6], Ct);
        await Store.SaveSnapshotAsync(ChainId, 1, 5, [7], Ct);

        var zero = await Store.LoadSnapshotAsync(ChainId, 0, Ct);
        var one = await Store.LoadSnapshotAsync(ChainId, 1, Ct);

        Assert.Equal(20, zero!.Height);
        Assert.Equal([4, 5], zero.State);
        Assert.Equal(5, one!.Height);
        Assert.Equal([7], one.State);
    }
}
