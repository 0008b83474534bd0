using System.Text.Json;
using Ainur.Grains.Storage.GroupCommit;
using Ainur.Testing;
using Npgsql;
using NpgsqlTypes;

namespace Ainur.Grains.Tests.Storage.GroupCommit;

/// <summary>
/// The group-commit statements find each row by its key, whatever the planner's statistics say: a store written after
/// the last ANALYZE must not make every batch scan the whole store (migration 0007).
/// </summary>
public sealed class GrainStateLookupTests
{
    private const string Service = "service";
    private const string Store = "tasks";
    private const int RowsInStore = 20_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_OfAStoreTheStatisticsThinkEmpty_TouchesAFewBuffersPerKey()
    {
        await using var database = await StoreUnknownToStatisticsAsync();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);

        var hits = await SharedHitsAsync(connection, GrainStateTable.ReadSql, Keys(3), payloads: null);

        Assert.InRange(hits, 1, 60);
    }

    [Fact]
    public async Task Write_OfAStoreTheStatisticsThinkEmpty_TouchesAFewBuffersPerKey()
    {
        await using var database = await StoreUnknownToStatisticsAsync();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);

        var hits = await SharedHitsAsync(connection, GrainStateTable.WriteSql, Keys(3), payloads: [[1], [2], [3]]);

        Assert.InRange(hits, 1, 120);
    }

    private static string[] Keys(int count) => [.. Enumerable.Range(0, count).Select(i => $"task/{i * 997}")];

    // Statistics taken while only another store existed, then a large store written with autovacuum off: the planner
    // believes the store has no rows, which is what a fresh node under load looks like between analyses.
    private static async Task<TestDatabase> StoreUnknownToStatisticsAsync()
    {
        var database = await TestDatabase.CreateAsync(Ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await ExecuteAsync(connection, $"""
            alter table ainur_grain_state set (autovacuum_enabled = false);
            insert into ainur_grain_state (service_id, store, state_name, grain_id, payload, version)
            select '{Service}', 'budgets', 'state', 'budget/' || i, decode(repeat('ab', 200), 'hex'), 1 from generate_series(1, 200) i;
            analyze ainur_grain_state;
            insert into ainur_grain_state (service_id, store, state_name, grain_id, payload, version)
            select '{Service}', '{Store}', 'state', 'task/' || i, decode(repeat('ab', 200), 'hex'), 1 from generate_series(1, {RowsInStore}) i;
            """);
        return database;
    }

    private static async Task<long> SharedHitsAsync(NpgsqlConnection connection, string sql, string[] grainIds, byte[][]? payloads)
    {
        await using var command = new NpgsqlCommand("explain (analyze, buffers, format json) " + sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("service", NpgsqlDbType.Text) { TypedValue = Service });
        command.Parameters.Add(new NpgsqlParameter<string>("store", NpgsqlDbType.Text) { TypedValue = Store });
        command.Parameters.Add(new NpgsqlParameter<string[]>("grain_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = grainIds });
        command.Parameters.Add(new NpgsqlParameter<string[]>("state_names", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. grainIds.Select(_ => "state")] });
        if (payloads is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<byte[][]>("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = payloads });
            command.Parameters.Add(new NpgsqlParameter<int[]>("expected", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. payloads.Select(_ => 1)] });
        }

        var plan = JsonDocument.Parse((string)(await command.ExecuteScalarAsync(Ct))!);
        return plan.RootElement[0].GetProperty("Plan").GetProperty("Shared Hit Blocks").GetInt64();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
