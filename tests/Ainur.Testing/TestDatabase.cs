using Ainur.Silo.Storage;
using Npgsql;

namespace Ainur.Testing;

/// <summary>
/// A fresh database on the test server with Ainur's schema applied; dropped on dispose. One per test class
/// or fixture keeps tests independent without sharing rows.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private TestDatabase(string name, string connectionString, string adminConnectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
    }

    /// <summary>Connection string of this database (same server and credentials as the admin one).</summary>
    public string ConnectionString { get; }

    /// <summary>Database name, <c>ainur_test_</c> plus a random suffix.</summary>
    public string Name { get; }

    /// <summary>Creates the database and applies <see cref="AinurSchema"/>.</summary>
    public static Task<TestDatabase> CreateAsync(CancellationToken ct = default) => CreateAsync(PostgresTestServer.AdminConnectionString, ct);

    /// <summary>Creates the database on the server of <paramref name="adminConnectionString"/> and applies <see cref="AinurSchema"/>.</summary>
    public static async Task<TestDatabase> CreateAsync(string adminConnectionString, CancellationToken ct = default)
    {
        var database = await CreateEmptyAsync(adminConnectionString, ct).ConfigureAwait(false);
        try
        {
            await AinurSchema.ApplyAsync(database.ConnectionString, ct).ConfigureAwait(false);
            return database;
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates the database without any schema (for migrator tests).</summary>
    public static Task<TestDatabase> CreateEmptyAsync(CancellationToken ct = default) => CreateEmptyAsync(PostgresTestServer.AdminConnectionString, ct);

    private static async Task<TestDatabase> CreateEmptyAsync(string adminConnectionString, CancellationToken ct)
    {
        var name = $"ainur_test_{Guid.NewGuid():N}";
        await using (var admin = await PostgresTestServer.OpenAdminAsync(adminConnectionString, ct).ConfigureAwait(false))
        await using (var create = new NpgsqlCommand($"create database {name}", admin))
        {
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
        return new TestDatabase(name, connectionString, adminConnectionString);
    }

    /// <summary>Drops the database, closing whatever connections are still open to it.</summary>
    public async ValueTask DisposeAsync()
    {
        // Pooled idle connections would otherwise be reused after the drop and fail; admin ones too after a server restart.
        await using (var connection = new NpgsqlConnection(ConnectionString))
        await using (var adminPool = new NpgsqlConnection(_adminConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
            NpgsqlConnection.ClearPool(adminPool);
        }
        await using var admin = await PostgresTestServer.OpenAdminAsync(_adminConnectionString, CancellationToken.None).ConfigureAwait(false);
        await using var drop = new NpgsqlCommand($"drop database if exists {Name} with (force)", admin);
        await drop.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
