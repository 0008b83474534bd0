using Npgsql;

namespace Ainur.Grains.Ledger;

/// <summary>
/// Retries a write that must happen (a decided block, its index) until the database takes it: a transient failure
/// waits 100 ms per attempt so far, at most 2 s, and tries again. Anything else is not caught.
/// </summary>
internal static class StoreRetry
{
    /// <summary>Runs <paramref name="write"/> until it succeeds; <paramref name="failed"/> hears of each transient failure.</summary>
    public static async Task UntilDoneAsync(Func<Task> write, Action<int, Exception> failed, TimeProvider clock, Func<Exception, bool>? alsoTransient = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException || alsoTransient?.Invoke(e) == true)
            {
                failed(attempt, e);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * attempt)), clock);
            }
        }
    }
}
