using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tasks;

/// <summary>The task grains' runtime configuration, built by the silo host from the <c>Ainur:Tasks</c> section.</summary>
public sealed class TaskSettings
{
    /// <summary>Attempts, deadlines, fees, bonds and slashing.</summary>
    public TaskPolicy Policy { get; init; } = new();

    /// <summary>
    /// Period of each open task's reminder, the durable backstop that re-activates it after a restart (grain timers
    /// handle the exact deadlines while it is active). Orleans' minimum is one minute unless lowered.
    /// </summary>
    public TimeSpan ReminderPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many heights a budget must have left before its expiry to take a new task: a task's voucher must settle by
    /// the expiry height, and heights pass with load.
    /// </summary>
    public long BudgetExpiryMargin { get; init; } = 20;

    /// <summary>How long a task grain waits in one call for a ledger answer before it tries again later.</summary>
    public TimeSpan LedgerWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a task waits before asking again when no agent (or verifier) was available or the ledger did not answer.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a task looks at the escrow of a refused lock before the lock's expiry (a relay is refunded within about
    /// this long); past the expiry it looks every <see cref="RetryDelay"/> until the ledger's time has passed it too.
    /// </summary>
    public TimeSpan LockWatchPeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Longest an agent's start stays unwritten, waiting to share the write of what follows it (usually its result);
    /// see <c>TaskGrain.DeferStart</c>.
    /// </summary>
    public TimeSpan StartWriteDelay { get; init; } = TimeSpan.FromSeconds(2);
}
