using Npgsql;

namespace Ainur.Testing;

/// <summary>The PostgreSQL server tests run against: <c>AINUR_TEST_PG</c>, or the local test instance.</summary>
public static class PostgresTestServer
{
    /// <summary>Environment variable holding the admin connection string of the test server.</summary>
    public const string EnvironmentVariable = "AINUR_TEST_PG";

    /// <summary>The instance <c>scripts/pg.sh start test</c> runs.</summary>
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=54329;Username=postgres;Database=postgres";

    /// <summary>Admin connection string: may create and drop databases.</summary>
    public static string AdminConnectionString { get; } =
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : DefaultConnectionString;

    /// <summary>Throws, saying how to start the server, when it cannot be reached. Tests never skip for this.</summary>
    public static async Task EnsureReachableAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAdminAsync(ct).ConfigureAwait(false);
    }

    internal static Task<NpgsqlConnection> OpenAdminAsync(CancellationToken ct) => OpenAdminAsync(AdminConnectionString, ct);

    internal static async Task<NpgsqlConnection> OpenAdminAsync(string adminConnectionString, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(adminConnectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            var target = new NpgsqlConnectionStringBuilder(adminConnectionString);
            throw new InvalidOperationException(
                $"The test PostgreSQL server at {target.Host}:{target.Port} is not reachable ({e.Message}). " +
                $"Start it with `scripts/pg.sh start test`, or point {EnvironmentVariable} at another server.", e);
        }
    }
}
