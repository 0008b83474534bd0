using Ainur.Grains.Interfaces;
using Npgsql;

namespace Ainur.Silo.Hosting;

/// <summary>
/// Turns a grain call that failed because PostgreSQL was unreachable or going down into a
/// <see cref="StorageUnavailableException"/>, which callers in other processes receive as such (the gateway answers 503).
/// Orleans serializes only exceptions of known namespaces: Npgsql's arrive as a codec error, indistinguishable from a bug.
/// </summary>
internal sealed class StorageUnavailableFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (FindUnavailable(e) is { } cause)
        {
            throw new StorageUnavailableException($"The database is unavailable: {cause.Message}");
        }
    }

    /// <summary>The driver's exception in <paramref name="exception"/>'s causes that says the server cannot serve now, if any.</summary>
    internal static NpgsqlException? FindUnavailable(Exception exception)
    {
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

    // Transient by Npgsql's account (I/O, timeouts, too many connections, ...), plus the server's own "shutting down",
    // "starting up" and connection-failure classes (57P, 08), which a restart produces.
    private static bool IsUnavailable(NpgsqlException exception) =>
        exception.IsTransient
        || exception is PostgresException { SqlState: { } state } && (state.StartsWith("57P", StringComparison.Ordinal) || state.StartsWith("08", StringComparison.Ordinal));
}
