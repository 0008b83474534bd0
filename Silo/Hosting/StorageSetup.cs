using Ainur.Silo.Storage;

namespace Ainur.Silo.Hosting;

/// <summary>Brings the database schema up to date before Orleans' providers look for their tables and queries.</summary>
public static class StorageSetup
{
    /// <summary>Applies pending migrations when this configuration uses PostgreSQL and <c>MigrateOnStart</c> is on.</summary>
    public static async Task PrepareAsync(AinurOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        if (options.NeedsPostgres && options.Postgres.MigrateOnStart)
        {
            await MigrateCommand.RunAsync(options.Postgres.ConnectionString!, log, cancellationToken);
        }
    }
}
