using Ainur.Protocol.Tasks;

namespace Ainur.Silo.Hosting;

/// <summary>
/// The <c>Ainur:Tasks</c> section, read by silos (the rules tasks follow) and gateways (the limits on what a request
/// may carry). Durations are <c>hh:mm:ss</c> text in configuration.
/// </summary>
public sealed class TaskOptions
{
    /// <summary>Attempts per task before it fails (each failed attempt is requeued to another agent).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Time an agent has from assignment to posting its result.</summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Time the client has after a result to accept or dispute it; silence releases the payment.</summary>
    public TimeSpan ChallengeWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time verifiers have to give their verdicts once the bond is locked.</summary>
    public TimeSpan VerdictTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The protocol's fee on the agent's price, in basis points.</summary>
    public int ProtocolFeeBps { get; set; } = 100;

    /// <summary>The bond a client locks to dispute a result, in credits.</summary>
    public long DisputeBond { get; set; } = 20;

    /// <summary>What each verifier that answers is paid, in credits.</summary>
    public long VerifierFee { get; set; } = 2;

    /// <summary>Verifiers per dispute.</summary>
    public int VerifierQuorum { get; set; } = 3;

    /// <summary>Stake an agent needs to be assigned tasks; a lost dispute slashes up to this much.</summary>
    public long MinStake { get; set; } = 10;

    /// <summary>The client's share of a slash after verifier fees, in basis points (the rest goes to the treasury).</summary>
    public int SlashClientShareBps { get; set; } = 5000;

    /// <summary>The largest task input, in bytes of JSON text.</summary>
    public int MaxInputBytes { get; set; } = 64 * 1024;

    /// <summary>The largest task output, in bytes of JSON text.</summary>
    public int MaxOutputBytes { get; set; } = 256 * 1024;

    /// <summary>How far ahead a task's deadline may be.</summary>
    public TimeSpan MaxDeadline { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Period of an open task's durable reminder (Orleans' minimum is one minute unless lowered, as tests do).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The task rules these options describe.</summary>
    public TaskPolicy ToPolicy() => new()
    {
        MaxAttempts = MaxAttempts,
        ExecutionTimeout = ExecutionTimeout,
        ChallengeWindow = ChallengeWindow,
        VerdictTimeout = VerdictTimeout,
        ProtocolFeeBps = ProtocolFeeBps,
        DisputeBond = DisputeBond,
        VerifierFee = VerifierFee,
        VerifierQuorum = VerifierQuorum,
        MinStake = MinStake,
        SlashClientShareBps = SlashClientShareBps,
    };
}
