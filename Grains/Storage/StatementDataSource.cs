using Npgsql;

namespace Ainur.Grains.Storage;

/// <summary>
/// The data source of the stores that run only self-contained statements (group-commit grain state, seen signatures,
/// the ledger): they leave no session state behind, so a connection going back to the pool needs no reset. Npgsql's
/// reset is a <c>DISCARD ALL</c> round trip before the next statement, which measured as often as the statements
/// themselves on the task path.
/// </summary>
internal static class StatementDataSource
{
    public static NpgsqlDataSource Create(string connectionString) =>
        new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString).Build();
}
