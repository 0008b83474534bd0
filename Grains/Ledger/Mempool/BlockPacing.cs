namespace Ainur.Grains.Ledger.Mempool;

/// <summary>
/// How long a proposer's reap waits for its block to fill. A height costs about the same whatever its block holds
/// (signing-guard writes, block saves, some forty signature operations), so at load each height should carry what
/// arrived while the one before was decided, and more. The rule:
/// <list type="bullet">
/// <item>Idle ledger (every pending transaction arrived after the last height was decided): the short batch wait only,
/// so a lone transaction is proposed at once.</item>
/// <item>Busy ledger (a pending transaction already waited through the last height): the block fills until
/// <see cref="LedgerSettings.BusyBlockInterval"/> has passed since the last proposal began (at least the batch wait),
/// so heights start at most that often and their blocks grow with the arrival rate.</item>
/// <item>A full block (B transactions pending) never waits.</item>
/// </list>
/// Times are ticks of one <see cref="TimeProvider"/>; null when it has not happened since the pool started.
/// </summary>
internal static class BlockPacing
{
    public static TimeSpan FillWait(
        int pending, int max, long oldestAdmitted, long? lastDecided, long? lastProposal, long now, TimeSpan batchWait, TimeSpan busyInterval, long ticksPerSecond)
    {
        if (pending == 0 || pending >= max)
        {
            return TimeSpan.Zero;
        }

        var busy = oldestAdmitted <= lastDecided;
        if (!busy || lastProposal is not { } proposed || busyInterval <= batchWait)
        {
            return batchWait;
        }

        var sinceProposal = TimeSpan.FromSeconds((double)(now - proposed) / ticksPerSecond);
        var rest = busyInterval - sinceProposal;
        return rest > batchWait ? rest : batchWait;
    }
}
