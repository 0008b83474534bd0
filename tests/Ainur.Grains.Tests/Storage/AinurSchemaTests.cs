using Ainur.Silo.Storage;
using Ainur.Testing;
using Npgsql;

namespace Ainur.Grains.Tests.Storage;

public sealed class AinurSchemaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Migrations_AreListedInFileNameOrder()
    {
        Assert.Equal(
            ["0001_orleans_clustering", "0002_orleans_persistence", "0003_orleans_reminders", "0004_ainur_seen_signatures",
             "0005_ainur_ledger", "0006_ainur_grain_state", "0007_ainur_grain_state_key_order", "0008_ainur_wasm_modules"],
            AinurSchema.Migrations);
    }

    [Fact]
    public async Task ApplyAsync_OnEmptyDatabase_AppliesEveryMigrationAndRecordsIt()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(Ct);

        var applied = await AinurSchema.ApplyAsync(database.ConnectionString, Ct);

        Assert.Equal(AinurSchema.Migrations.Count, applied);
        Assert.Equal(AinurSchema.Migrations, await RecordedVersionsAsync(database));
    }

    [Fact]
    public async Task ApplyAsync_Twice_AppliesNothingTheSecondTime()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(Ct);
        await AinurSchema.ApplyAsync(database.ConnectionString, Ct);

        Assert.Equal(0, await AinurSchema.ApplyAsync(database.ConnectionString, Ct));
        Assert.Equal(AinurSchema.Migrations, await RecordedVersionsAsync(database));
    }

    [Fact]
    public async Task ApplyAsync_ConcurrentOnEmptyDatabase_AppliesEachMigrationOnce()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(Ct);

        var applied = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => AinurSchema.ApplyAsync(database.ConnectionString, Ct), Ct)));

        Assert.Equal(AinurSchema.Migrations.Count, applied.Sum());
        Assert.Equal(AinurSchema.Migrations, await RecordedVersionsAsync(database));
    }

    [Fact]
    public async Task ApplyAsync_ScriptsRunAgainOverExistingSchema_Succeed()
    {
        await using var database = await TestDatabase.CreateAsync(Ct);
        await ExecuteAsync(database, "delete from ainur_schema_migrations");

        Assert.Equal(AinurSchema.Migrations.Count, await AinurSchema.ApplyAsync(database.ConnectionString, Ct));
        Assert.Equal(20L, await ScalarAsync<long>(database, "select count(*) from orleansquery"));
    }

    [Fact]
    public async Task ApplyAsync_Catalogue_HoldsEveryQueryKeyTheProvidersRequire()
    {
        await using var database = await TestDatabase.CreateAsync(Ct);

        string[] expected =
        [
            // Clustering (all nine are required by silo and client alike).
            "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey",
            "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey",
            "UpdateMembershipKey",
            // Grain persistence.
            "ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey",
            // Reminders.
            "DeleteReminderRowKey", "DeleteReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "ReadReminderRowKey", "ReadReminderRowsKey", "UpsertReminderRowKey",
        ];
        var keys = new List<string>();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand("select querykey from orleansquery", connection);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct)) keys.Add(reader.GetString(0));
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MigrateCommand_OnEmptyThenCurrentDatabase_ReportsWhatItApplied()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(Ct);
        var first = new StringWriter();
        var second = new StringWriter();

        Assert.Equal(0, await MigrateCommand.RunAsync(database.ConnectionString, first, Ct));
        Assert.Equal(0, await MigrateCommand.RunAsync(database.ConnectionString, second, Ct));

        foreach (var migration in AinurSchema.Migrations) Assert.Contains($"applied {migration}", first.ToString());
        Assert.DoesNotContain("applied 0", second.ToString());
        Assert.Contains("up to date", second.ToString());
    }

    [Fact]
    public async Task MigrateCommand_UnreachableServer_ReturnsOneWithMessage()
    {
        var output = new StringWriter();

        var exit = await MigrateCommand.RunAsync("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2", output, Ct);

        Assert.Equal(1, exit);
        Assert.StartsWith("migration failed:", output.ToString());
    }

    private static async Task<string[]> RecordedVersionsAsync(TestDatabase database)
    {
        var versions = new List<string>();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("select version from ainur_schema_migrations order by version", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) versions.Add(reader.GetString(0));
        return [.. versions];
    }

    private static async Task ExecuteAsync(TestDatabase database, string sql) => await ScalarAsync<object?>(database, sql);

    private static async Task<T> ScalarAsync<T>(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
