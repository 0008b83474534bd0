using Ainur.Silo.Storage;
using Npgsql;

namespace Ainur.Testing;

/// <summary>
/// A fresh database on the test server with Ainur's schema applied; dropped on dispose. One per test class
/// or fixture keeps tests independent without sharing rows.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>Connection string of this database (same server and credentials as the admin one).</summary>
    public string ConnectionString { get; }

    /// <summary>Database name, <c>ainur_test_</c> plus a random suffix.</summary>
    public string Name { get; }

    /// <summary>Creates the database and applies <see cref="AinurSchema"/>.</summary>
    public static async Task<TestDatabase> CreateAsync(CancellationToken ct = default)
    {
        var database = await CreateEmptyAsync(ct).ConfigureAwait(false);
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
    public static async Task<TestDatabase> CreateEmptyAsync(CancellationToken ct = default)
    {
        var name = $"ainur_test_{Guid.NewGuid():N}";
        await using (var admin = await PostgresTestServer.OpenAdminAsync(ct).ConfigureAwait(false))
        await using (var create = new NpgsqlCommand($"create database {name}", admin))
        {
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(PostgresTestServer.AdminConnectionString) { Database = name }
            .ConnectionString;
        return new TestDatabase(name, connectionString);
    }

    /// <summary>Drops the database, closing whatever connections are still open to it.</summary>
    public async ValueTask DisposeAsync()
    {
        // Pooled idle connections would otherwise be reused after the drop and fail.
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }
        await using var admin = await PostgresTestServer.OpenAdminAsync(CancellationToken.None).ConfigureAwait(false);
        await using var drop = new NpgsqlCommand($"drop database if exists {Name} with (force)", admin);
        await drop.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
