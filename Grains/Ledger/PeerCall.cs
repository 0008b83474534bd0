namespace Ainur.Grains.Ledger;

/// <summary>
/// Asks one validator something and gives up after a short wait: a validator on a dying silo, or still activating,
/// must not hold up a read or a catch-up that others can answer.
/// </summary>
internal static class PeerCall
{
    /// <summary>How long one validator gets to answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>The answer, or null when the validator did not give one in time; <paramref name="failed"/> hears why.</summary>
    public static async Task<T?> TryAsync<T>(Task<T> call, Action<Exception>? failed = null)
        where T : class
    {
        try
        {
            return await call.WaitAsync(Timeout);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            failed?.Invoke(e);
            return null;
        }
    }
}
