using System.Diagnostics.Metrics;
using Ainur.Grains.Telemetry;

namespace Ainur.Grains.Storage.GroupCommit;

/// <summary>
/// Instruments of the group-commit grain stores on the <c>Ainur</c> meter (exported on /metrics as
/// <c>ainur_grain_storage_*</c>), tagged with the store and the operation (<c>write</c> or <c>read</c>).
/// </summary>
public sealed class GroupCommitMetrics
{
    /// <summary>The meter the instruments are on, for listeners.</summary>
    public const string MeterName = "Ainur";

    /// <summary>Rows per batch.</summary>
    public const string BatchRows = "ainur.grain_storage.batch.rows";

    /// <summary>Seconds one batch's statement took, commit included.</summary>
    public const string BatchDuration = "ainur.grain_storage.batch.duration";

    private readonly Histogram<long> _rows;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments on a meter owned by <paramref name="meterFactory"/>.</summary>
    public GroupCommitMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _rows = meter.CreateHistogram<long>(BatchRows, "{row}", "Rows one group-commit batch wrote or read.");
        _duration = meter.CreateHistogram<double>(
            BatchDuration, "s", "Time one group-commit batch took in PostgreSQL, round trip and commit included.", tags: null, DurationBuckets.Seconds);
    }

    /// <summary>A batch of <paramref name="rows"/> rows of <paramref name="store"/> finished after <paramref name="elapsed"/>, failed or not.</summary>
    public void Batch(string store, string operation, int rows, TimeSpan elapsed)
    {
        var tags = new System.Diagnostics.TagList { { "store", store }, { "operation", operation } };
        _rows.Record(rows, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }
}
