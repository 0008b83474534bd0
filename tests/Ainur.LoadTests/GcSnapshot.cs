using System.Globalization;

namespace Ainur.LoadTests;

/// <summary>
/// This process's garbage collector between two snapshots: bytes allocated, time paused and collections by generation,
/// so a run shows how much of its CPU per operation the allocations cost.
/// </summary>
internal sealed record GcSnapshot(long Allocated, TimeSpan Paused, int Gen0, int Gen1, int Gen2)
{
    public static GcSnapshot Now() => new(GC.GetTotalAllocatedBytes(precise: true), GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    /// <summary>Allocation and pause per operation since <paramref name="start"/>, with the collections counted.</summary>
    public string PerOperation(GcSnapshot start, long operations) => string.Create(CultureInfo.InvariantCulture,
        $"GC: {(Allocated - start.Allocated) / 1024.0 / operations:F1} KiB allocated and {(Paused - start.Paused).TotalMilliseconds / operations:F3} ms paused per operation, collections gen0 {Gen0 - start.Gen0}, gen1 {Gen1 - start.Gen1}, gen2 {Gen2 - start.Gen2}");
}
