using Ainur.Grains.Storage.GroupCommit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Ainur.Grains.Security;

/// <summary>
/// <see cref="ISeenSignatureStore"/> over the <c>ainur_seen_signatures</c> table (migration 0004), shared by
/// every silo of the cluster. Expiry is judged by the database clock, the one clock all silos share.
/// </summary>
/// <remarks>
/// <para>Group-commits: each call queues its record and whatever is pending (at most 512) is written as ONE statement,
/// so one commit is shared by a batch of requests instead of paid by each. Under light load a batch is one record.
/// The same hash twice in flight goes to consecutive batches, in arrival order, as if recorded one after another.</para>
/// <para>When the statement fails, every caller of that batch gets an <see cref="NpgsqlException"/> and the outcome is
/// unknown (the record may be stored; recording it again with the same request id returns true). Cancellation is
/// honoured until the record is queued; after that it only stops the wait: a queued record may still be stored.</para>
/// <para>Stops with the silo (<see cref="ILifecycleParticipant{TLifecycleObservable}"/>) or on dispose; it does not
/// dispose the data source, which it does not own.</para>
/// </remarks>
public sealed partial class PostgresSeenSignatureStore : ISeenSignatureStore, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    // One purge per this many accepted signatures keeps the table near its live size without a timer.
    private const int PurgeEvery = 1024;

    // Bounds one purge so a backlog never turns a request into a long delete.
    private const int PurgeBatch = 10_000;

    // Per row as one insert each: an existing row is taken over only when it has expired or the same request records
    // it again; otherwise it is not returned: a replay. Each hash occurs at most once per batch (a statement cannot
    // affect a row twice), and rows go in hash order so silos committing overlapping batches cannot deadlock.
    private const string RecordSql = """
        insert into ainur_seen_signatures (signature_hash, expires_at, request_id)
        select * from unnest(@hashes, @expires, @requests) as b(signature_hash, expires_at, request_id)
        on conflict (signature_hash) do update set expires_at = excluded.expires_at, request_id = excluded.request_id
        where ainur_seen_signatures.expires_at < now() or ainur_seen_signatures.request_id = excluded.request_id
        returning signature_hash
        """;

    // Skips rows a batch has locked (taking over an expired row): the purge never waits, so it cannot deadlock with
    // a batch; what it skips goes next time.
    private const string PurgeSql = """
        delete from ainur_seen_signatures
        where signature_hash in (
            select signature_hash from ainur_seen_signatures where expires_at < now() limit @batch for update skip locked)
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly BatchLoop<PendingSignature, string> _records;
    private int _recordedSincePurge;
    private int _stopped;

    /// <summary>Starts the store's commit loop on <paramref name="dataSource"/>; failed batches are not logged.</summary>
    public PostgresSeenSignatureStore(NpgsqlDataSource dataSource)
        : this(dataSource, NullLogger<PostgresSeenSignatureStore>.Instance)
    {
    }

    /// <summary>Starts the store's commit loop on <paramref name="dataSource"/>.</summary>
    public PostgresSeenSignatureStore(NpgsqlDataSource dataSource, ILogger<PostgresSeenSignatureStore> logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(logger);
        _dataSource = dataSource;
        _logger = logger;

        // The batch size and overlap measured for grain state (STACK-NOTES, "Group commit"): one batch commits while
        // the next is sent.
        _records = new BatchLoop<PendingSignature, string>(
            GroupCommitStorageOptions.DefaultMaxBatchSize,
            GroupCommitStorageOptions.DefaultMaxBatchesInFlight,
            RecordAsync,
            (e, rows) => LogBatchFailed(e, rows));
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryRecordAsync(
        ReadOnlyMemory<byte> signatureHash, DateTimeOffset expiresAt, Guid requestId, CancellationToken ct)
    {
        if (signatureHash.IsEmpty) throw new ArgumentException("A signature hash is required.", nameof(signatureHash));

        ct.ThrowIfCancellationRequested();
        // A copy: the caller's buffer stays theirs while the record waits for its batch.
        var record = new PendingSignature(signatureHash.ToArray(), expiresAt, requestId);
        if (!_records.TryEnqueue(record))
        {
            throw new ObjectDisposedException(nameof(PostgresSeenSignatureStore), "The seen-signature store has stopped.");
        }

        var recorded = await record.Task.WaitAsync(ct).ConfigureAwait(false);
        if (recorded && Interlocked.Increment(ref _recordedSincePurge) % PurgeEvery == 0)
        {
            await PurgeExpiredAsync(ct).ConfigureAwait(false);
        }
        return recorded;
    }

    /// <summary>Deletes up to 10,000 expired records.</summary>
    /// <returns>The number of records deleted.</returns>
    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand(PurgeSql);
        command.Parameters.Add(new NpgsqlParameter<int>("batch", NpgsqlDbType.Integer) { TypedValue = PurgeBatch });
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);

        // Stops with the storage services, after the silo has stopped taking calls, so the last requests' records get in.
        lifecycle.Subscribe(nameof(PostgresSeenSignatureStore), ServiceLifecycleStage.RuntimeStorageServices, _ => Task.CompletedTask, StopAsync);
    }

    /// <summary>
    /// Takes no more records and commits those already queued. When <paramref name="cancellationToken"/> fires first,
    /// the records not yet committed fail. Idempotent.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _records.StopAsync(cancellationToken).ConfigureAwait(false);
        _records.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// Writes <paramref name="batch"/> as one statement and completes each record: true when its row came back.
    /// Throws, completing nothing, when the statement or its commit fails.
    /// </summary>
    private async Task RecordAsync(List<PendingSignature> batch, CancellationToken ct)
    {
        batch.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var hashes = new byte[batch.Count][];
        var expires = new DateTimeOffset[batch.Count];
        var requests = new Guid[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            hashes[i] = batch[i].Hash;
            expires[i] = batch[i].ExpiresAt;
            requests[i] = batch[i].RequestId;
        }

        var recorded = new HashSet<string>(batch.Count, StringComparer.Ordinal);
        await using (var command = _dataSource.CreateCommand(RecordSql))
        {
            command.Parameters.Add(new NpgsqlParameter<byte[][]>("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = hashes });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("expires", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = expires });
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("requests", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = requests });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                recorded.Add(Convert.ToHexString(reader.GetFieldValue<byte[]>(0)));
            }
        }

        // Only now, the reader disposed: the implicit transaction commits at the end of the statement's round trip,
        // after the rows came back, and a failure there must not reach callers as success.
        foreach (var record in batch)
        {
            record.TrySetResult(recorded.Contains(record.Key));
        }
    }

    [LoggerMessage(EventId = 2501, Level = LogLevel.Warning, Message = "Seen-signature store: a batch of {Rows} records failed; each caller got an exception")]
    private partial void LogBatchFailed(Exception exception, int rows);
}
