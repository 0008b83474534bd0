namespace Ainur.Grains.Timing;

/// <summary>
/// Waits with a time limit that runs out quietly. Long polls on the task path run out all the time (an agent's idle feed,
/// a client's event stream between changes, a ledger wait): <c>WaitAsync</c> would throw a <see cref="TimeoutException"/>
/// through every frame each time. The wait continues on the caller's scheduler, so a grain stays in its turn.
/// </summary>
internal static class BoundedWait
{
    /// <summary>Whether <paramref name="task"/> finished within <paramref name="timeout"/>; never throws for the task or the time.</summary>
    public static async Task<bool> ForAsync(Task task, TimeSpan timeout, TimeProvider clock)
    {
        await task.WaitAsync(timeout, clock).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        return task.IsCompleted;
    }
}
