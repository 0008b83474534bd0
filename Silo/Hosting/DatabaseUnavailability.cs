using Npgsql;

namespace Ainur.Silo.Hosting;

/// <summary>Whether a failure means that PostgreSQL cannot serve now (down, restarting, out of connections): retry later.</summary>
public static class DatabaseUnavailability
{
    /// <summary>The driver's exception among <paramref name="exception"/> and its causes that says so, if any.</summary>
    public static NpgsqlException? Find(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var current))
        {
            if (current is NpgsqlException npgsql && IsUnavailable(npgsql))
            {
                return npgsql;
            }

            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }

        return null;
    }

    /// <summary>
    /// Makes Orleans carry Npgsql's exceptions between processes (by default it carries only System's, Microsoft's and
    /// its own): a grain whose activation failed on the database reaches a gateway as what it is, not as a codec error.
    /// </summary>
    public static void CarryDriverExceptions(Orleans.Serialization.ExceptionSerializationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SupportedNamespacePrefixes.Add("Npgsql");
    }

    // Transient by Npgsql's account (I/O, timeouts, too many connections, ...), plus the server's own "shutting down",
    // "starting up" and connection-failure classes (57P, 08), which a restart produces. An exception that crossed from
    // another process keeps its SQL state only in Data (Npgsql puts it there too).
    private static bool IsUnavailable(NpgsqlException exception)
    {
        var state = (exception as PostgresException)?.SqlState ?? exception.Data["SqlState"] as string;
        return exception.IsTransient
            || (state is not null && (state.StartsWith("57P", StringComparison.Ordinal) || state.StartsWith("08", StringComparison.Ordinal)));
    }
}
