namespace Ainur.Grains.Storage.GroupCommit;

/// <summary>Settings of one group-commit grain store (<see cref="GroupCommitGrainStorage"/>).</summary>
public sealed class GroupCommitStorageOptions
{
    /// <summary>The most rows one batch writes (or reads) in one statement. Default 512.</summary>
    public const int DefaultMaxBatchSize = 512;

    /// <summary>Batches running at once by default: one commits while the next is sent.</summary>
    public const int DefaultMaxBatchesInFlight = 2;

    /// <summary>Npgsql connection string of the database holding <c>ainur_grain_state</c> (migration 0006). Required; a secret.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The most rows one statement writes or reads, 1 to 10,000; larger batches wait as the next batch.</summary>
    public int MaxBatchSize { get; set; } = DefaultMaxBatchSize;

    /// <summary>
    /// The most batches of writes (and, apart, of reads) running at once, each on its own connection, 1 to 64. Batches
    /// running together never share a key. 1 is strictly one statement after another. Default 2.
    /// </summary>
    public int MaxBatchesInFlight { get; set; } = DefaultMaxBatchesInFlight;

    /// <summary>Throws <see cref="ArgumentException"/> naming what to fix when these options cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("A group-commit grain store needs a PostgreSQL connection string (Ainur__Postgres__ConnectionString).", nameof(ConnectionString));
        }

        if (MaxBatchSize is < 1 or > 10_000)
        {
            throw new ArgumentException($"MaxBatchSize must be between 1 and 10000, not {MaxBatchSize}.", nameof(MaxBatchSize));
        }

        if (MaxBatchesInFlight is < 1 or > 64)
        {
            throw new ArgumentException($"MaxBatchesInFlight must be between 1 and 64, not {MaxBatchesInFlight}.", nameof(MaxBatchesInFlight));
        }
    }
}
