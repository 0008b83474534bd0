using System.Reflection;
using Npgsql;

namespace Ainur.Silo.Storage;

/// <summary>
/// Applies Ainur's PostgreSQL schema: the tables and query catalogue of the Orleans ADO.NET providers
/// (which never create their own schema) and Ainur's own tables. Migrations are the embedded
/// <c>Storage/Migrations/*.sql</c> files, applied in file-name order, each at most once per database.
/// </summary>
public static class AinurSchema
{
    private const string ResourcePrefix = "Ainur.Silo.Storage.Migrations.";
    private const string ResourceSuffix = ".sql";

    // Session advisory lock key ("AINURMIG" in ASCII): silos starting together apply the schema one at a time.
    private const long MigrationLockKey = 0x41494E55524D4947;

    private static readonly Assembly ResourceAssembly = typeof(AinurSchema).Assembly;

    /// <summary>Migration names in the order they are applied, e.g. <c>0001_orleans_clustering</c>.</summary>
    public static IReadOnlyList<string> Migrations { get; } = ResourceAssembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(ResourceSuffix, StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^ResourceSuffix.Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// Brings the database at <paramref name="connectionString"/> up to date. Safe to call from several
    /// processes at once and any number of times.
    /// </summary>
    /// <returns>The number of migrations this call applied (0 when the schema was already current).</returns>
    public static async Task<int> ApplyAsync(string connectionString, CancellationToken ct = default) =>
        (await ApplyAsync(connectionString, _ => { }, ct).ConfigureAwait(false)).Count;

    internal static async Task<IReadOnlyList<string>> ApplyAsync(
        string connectionString, Action<string> onApplied, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);

        await ExecuteAsync(connection, null, $"select pg_advisory_lock({MigrationLockKey})", ct).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, """
                create table if not exists ainur_schema_migrations (
                    version    text primary key,
                    applied_at timestamptz not null default now()
                )
                """, ct).ConfigureAwait(false);

            var done = await ReadAppliedAsync(connection, ct).ConfigureAwait(false);
            var applied = new List<string>();
            foreach (var version in Migrations.Where(m => !done.Contains(m)))
            {
                await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, ReadMigration(version), ct).ConfigureAwait(false);
                await using (var record = new NpgsqlCommand(
                    "insert into ainur_schema_migrations (version) values (@version)", connection, transaction))
                {
                    record.Parameters.AddWithValue("version", version);
                    await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                applied.Add(version);
                onApplied(version);
            }
            return applied;
        }
        finally
        {
            // Not cancellable: a pooled connection would otherwise keep the lock.
            await ExecuteAsync(connection, null, $"select pg_advisory_unlock({MigrationLockKey})", CancellationToken.None)
                .ConfigureAwait(false);
        }
    }

    private static async Task<HashSet<string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("select version from ainur_schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            done.Add(reader.GetString(0));
        }
        return done;
    }

    private static string ReadMigration(string version)
    {
        using var stream = ResourceAssembly.GetManifestResourceStream(ResourcePrefix + version + ResourceSuffix)
            ?? throw new InvalidOperationException($"Migration resource {version} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
