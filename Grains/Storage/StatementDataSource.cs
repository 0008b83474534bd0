using Npgsql;

namespace Ainur.Grains.Storage;

/// <summary>
/// The data source of the stores that run only self-contained statements from a fixed set of texts (group-commit grain
/// state, seen signatures, the ledger, and Orleans' reminder table). Two settings follow from that:
/// <list type="bullet">
/// <item>They leave no session state behind, so a connection going back to the pool needs no reset. Npgsql's reset is
/// a <c>DISCARD ALL</c> round trip before the next statement, which measured as often as the statements themselves on
/// the task path.</item>
/// <item>Each connection prepares the texts it runs repeatedly. Unprepared, PostgreSQL parsed and planned every
/// statement again: 35% of its CPU on the task path.</item>
/// </list>
/// </summary>
internal static class StatementDataSource
{
    // Above the number of distinct texts these stores run (about 30), so none is evicted and prepared again.
    private const int PreparedPerConnection = 64;

    /// <summary>A data source whose connections skip the reset and prepare repeated statements.</summary>
    public static NpgsqlDataSource Create(string connectionString) => new NpgsqlDataSourceBuilder(ForStatements(connectionString)).Build();

    /// <summary><paramref name="connectionString"/> with those settings, for a provider that opens its own connections.</summary>
    public static string ForStatements(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            NoResetOnClose = true,
            MaxAutoPrepare = PreparedPerConnection,
            AutoPrepareMinUsages = 2,
        }.ConnectionString;
}
