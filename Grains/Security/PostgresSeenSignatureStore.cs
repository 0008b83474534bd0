using Npgsql;
using NpgsqlTypes;

namespace Ainur.Grains.Security;

/// <summary>
/// <see cref="ISeenSignatureStore"/> over the <c>ainur_seen_signatures</c> table (migration 0004), shared by
/// every silo of the cluster. Expiry is judged by the database clock, the one clock all silos share.
/// </summary>
public sealed class PostgresSeenSignatureStore(NpgsqlDataSource dataSource) : ISeenSignatureStore
{
    // One purge per this many accepted signatures keeps the table near its live size without a timer.
    private const int PurgeEvery = 1024;

    // Bounds one purge so a backlog never turns a request into a long delete.
    private const int PurgeBatch = 10_000;

    // An existing row is taken over only when it has expired; otherwise no row comes back: a replay.
    private const string RecordSql = """
        insert into ainur_seen_signatures (signature_hash, expires_at, request_id)
        values (@hash, @expires, @request)
        on conflict (signature_hash) do update set expires_at = excluded.expires_at, request_id = excluded.request_id
        where ainur_seen_signatures.expires_at < now() or ainur_seen_signatures.request_id = excluded.request_id
        returning 1
        """;

    private const string PurgeSql = """
        delete from ainur_seen_signatures
        where signature_hash in (
            select signature_hash from ainur_seen_signatures where expires_at < now() limit @batch)
        """;

    private int _recordedSincePurge;

    /// <inheritdoc />
    public async ValueTask<bool> TryRecordAsync(
        ReadOnlyMemory<byte> signatureHash, DateTimeOffset expiresAt, Guid requestId, CancellationToken ct)
    {
        if (signatureHash.IsEmpty) throw new ArgumentException("A signature hash is required.", nameof(signatureHash));

        bool recorded;
        await using (var command = dataSource.CreateCommand(RecordSql))
        {
            command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("hash", NpgsqlDbType.Bytea) { TypedValue = signatureHash });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("expires", NpgsqlDbType.TimestampTz) { TypedValue = expiresAt.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<Guid>("request", NpgsqlDbType.Uuid) { TypedValue = requestId });
            recorded = await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
        }

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
        await using var command = dataSource.CreateCommand(PurgeSql);
        command.Parameters.Add(new NpgsqlParameter<int>("batch", NpgsqlDbType.Integer) { TypedValue = PurgeBatch });
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
