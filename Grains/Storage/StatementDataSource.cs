using Npgsql;

namespace Ainur.Grains.Storage;

/// <summary>
/// The data source of the stores that run only self-contained statements (group-commit grain state, seen signatures,
/// the ledger, and Orleans' reminder table): they leave no session state behind, so a connection going back to the pool needs no reset. Npgsql's
/// reset is a <c>DISCARD ALL</c> round trip before the next statement, which measured as often as the statements
/// themselves on the task path.
/// </summary>
internal static class StatementDataSource
{
    /// <summary>A data source whose connections go back to the pool without a reset.</summary>
    public static NpgsqlDataSource Create(string connectionString) => new NpgsqlDataSourceBuilder(WithoutReset(connectionString)).Build();

    /// <summary><paramref name="connectionString"/> with <c>No Reset On Close</c>, for a provider that opens its own connections.</summary>
    public static string WithoutReset(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
}
