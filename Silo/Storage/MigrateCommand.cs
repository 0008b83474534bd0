using Npgsql;

namespace Ainur.Silo.Storage;

/// <summary>Standalone schema migration, for a <c>migrate</c> verb of the silo host.</summary>
public static class MigrateCommand
{
    /// <summary>Applies pending migrations and reports each one to <paramref name="output"/>.</summary>
    /// <returns>A process exit code: 0 on success, 1 when the database refused or could not be reached.</returns>
    public static async Task<int> RunAsync(string connectionString, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            var applied = await AinurSchema.ApplyAsync(connectionString, v => output.WriteLine($"applied {v}"), ct)
                .ConfigureAwait(false);
            output.WriteLine(applied.Count == 0
                ? $"schema up to date ({AinurSchema.Migrations.Count} migrations)"
                : $"applied {applied.Count} of {AinurSchema.Migrations.Count} migrations");
            return 0;
        }
        catch (NpgsqlException e)
        {
            // Only the message: the connection string may carry a password.
            output.WriteLine($"migration failed: {e.Message}");
            return 1;
        }
    }
}
