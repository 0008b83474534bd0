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
/// statement again: 35% of its CPU on the task path, half of it parsing.</item>
/// <item>A prepared statement is still planned on every run (<c>plan_cache_mode=force_custom_plan</c>). The batch
/// statements join arrays of unknown length to tables that grow from empty. A generic plan, cached once, was chosen on
/// a young table in one benchmark run: a sequential scan of <c>ainur_grain_state</c> per batch, which doubled
/// PostgreSQL's CPU per task and grew with the table.</item>
/// </list>
/// </summary>
internal static class StatementDataSource
{
    // Above the number of distinct texts these stores run (about 30), so none is evicted and prepared again.
    private const int PreparedPerConnection = 64;

    private const string CustomPlans = "-c plan_cache_mode=force_custom_plan";

    /// <summary>A data source whose connections skip the reset and prepare repeated statements.</summary>
    public static NpgsqlDataSource Create(string connectionString) => new NpgsqlDataSourceBuilder(ForStatements(connectionString)).Build();

    /// <summary><paramref name="connectionString"/> with those settings, for a provider that opens its own connections.</summary>
    public static string ForStatements(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            NoResetOnClose = true,
            MaxAutoPrepare = PreparedPerConnection,
            AutoPrepareMinUsages = 2,
        };
        builder.Options = $"{builder.Options} {CustomPlans}".Trim();
        return builder.ConnectionString;
    }
}
