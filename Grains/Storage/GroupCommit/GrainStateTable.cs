using Npgsql;
using NpgsqlTypes;

namespace Ainur.Grains.Storage.GroupCommit;

/// <summary>
/// The <c>ainur_grain_state</c> table (migration 0006) for one store of one service: each batch is one autocommitted
/// statement whose rows travel as array parameters, so a batch of 500 costs one round trip and one WAL flush.
/// </summary>
internal sealed class GrainStateTable(NpgsqlDataSource dataSource, string serviceId, string store)
{
    // A row with no etag is inserted at version 1 unless one exists; a row with etag v is replaced only while the
    // stored version is still v (re-checked on the locked row under concurrent writers). Each key occurs at most once
    // per batch. Rows not returned failed their check. A null payload is a clear: the row stays, as a tombstone.
    internal const string WriteSql = """
        with batch as (
            select * from unnest(@grain_ids, @state_names, @payloads, @expected) as b(grain_id, state_name, payload, expected)
        ), inserted as (
            insert into ainur_grain_state (service_id, store, state_name, grain_id, payload, version)
            select @service, @store, state_name, grain_id, payload, 1 from batch where expected = 0
            on conflict (service_id, store, state_name, grain_id) do nothing
            returning state_name, grain_id, version
        ), updated as (
            update ainur_grain_state s set payload = b.payload, version = s.version + 1, modified_at = now()
            from batch b
            where s.service_id = @service and s.store = @store and s.state_name = b.state_name and s.grain_id = b.grain_id
              and b.expected > 0 and s.version = b.expected
            returning s.state_name, s.grain_id, s.version
        )
        select state_name, grain_id, version from inserted
        union all
        select state_name, grain_id, version from updated
        """;

    internal const string ReadSql = """
        select b.position, s.payload, s.version
        from unnest(@grain_ids, @state_names) with ordinality as b(grain_id, state_name, position)
        join ainur_grain_state s
          on s.service_id = @service and s.store = @store and s.state_name = b.state_name and s.grain_id = b.grain_id
        """;

    /// <summary>
    /// Commits <paramref name="batch"/> as one statement and completes each write: with its new version, or with an
    /// <see cref="Orleans.Storage.InconsistentStateException"/> when its version check failed. Throws, completing
    /// nothing, when the statement or its commit fails.
    /// </summary>
    public async Task WriteAsync(List<PendingWrite> batch, CancellationToken ct)
    {
        // Every writer locks rows in key order, so silos committing overlapping batches cannot deadlock on each other.
        batch.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        var payloads = new byte[]?[batch.Count];
        var expected = new int[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            payloads[i] = batch[i].Payload;
            expected[i] = batch[i].ExpectedVersion;
        }

        await using var command = Command(WriteSql, batch);
        command.Parameters.Add(new NpgsqlParameter<byte[]?[]>("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = payloads });
        command.Parameters.Add(new NpgsqlParameter<int[]>("expected", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = expected });

        var stored = new Dictionary<StateKey, int>(batch.Count);
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                stored[new StateKey(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
            }
        }

        // Only now, the reader disposed: the implicit transaction commits at the end of the statement's round trip,
        // after the rows came back, and a failure there must not reach callers as success.
        foreach (var write in batch)
        {
            if (stored.TryGetValue(write.Key, out var version))
            {
                write.TrySetResult(version);
            }
            else
            {
                write.TrySetException(Conflict(write));
            }
        }
    }

    /// <summary>Reads every row of <paramref name="batch"/> in one statement; completes each read with its row or null.</summary>
    public async Task ReadAsync(List<PendingRead> batch, CancellationToken ct)
    {
        var rows = new StoredState?[batch.Count];
        await using (var command = Command(ReadSql, batch))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var payload = reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1);
                rows[reader.GetInt64(0) - 1] = new StoredState(payload, reader.GetInt32(2));
            }
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].TrySetResult(rows[i]);
        }
    }

    private NpgsqlCommand Command<TItem>(string sql, List<TItem> batch) where TItem : IPendingOperation<StateKey>
    {
        var grainIds = new string[batch.Count];
        var stateNames = new string[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            grainIds[i] = batch[i].Key.GrainId;
            stateNames[i] = batch[i].Key.StateName;
        }

        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("service", NpgsqlDbType.Text) { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string>("store", NpgsqlDbType.Text) { TypedValue = store });
        command.Parameters.Add(new NpgsqlParameter<string[]>("grain_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = grainIds });
        command.Parameters.Add(new NpgsqlParameter<string[]>("state_names", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = stateNames });
        return command;
    }

    private Orleans.Storage.InconsistentStateException Conflict(PendingWrite write) => new(
        $"State '{write.Key.StateName}' of grain {write.Key.GrainId} in store '{store}' is no longer at the version this write expected " +
        "(another activation wrote it, or an earlier write's outcome was unknown): re-read it.",
        storedEtag: "unknown",
        currentEtag: write.ExpectedVersion == 0 ? "none" : write.ExpectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
