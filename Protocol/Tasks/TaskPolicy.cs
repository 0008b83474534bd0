using Orleans;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// The rules a node applies to every task: attempts, deadlines, fees, bonds and slashing. Amounts are whole credits,
/// rates are basis points (1/10,000). <see cref="Validate"/> lists what is inconsistent.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskPolicy")]
public sealed record TaskPolicy
{
    /// <summary>Attempts (assignments) a task gets before it fails; each failed attempt is requeued to another agent.</summary>
    [Id(0)] public int MaxAttempts { get; init; } = 3;

    /// <summary>Time an agent has from assignment to posting its result.</summary>
    [Id(1)] public TimeSpan ExecutionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time the client has after a result to accept or dispute it; silence releases the payment.</summary>
    [Id(2)] public TimeSpan ChallengeWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time verifiers have, from the bond being locked, to give their verdicts.</summary>
    [Id(3)] public TimeSpan VerdictTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The protocol's fee, taken from the agent's price, in basis points.</summary>
    [Id(4)] public int ProtocolFeeBps { get; init; } = 100;

    /// <summary>The bond a client locks to dispute a result.</summary>
    [Id(5)] public long DisputeBond { get; init; } = 20;

    /// <summary>What each verifier that gives a verdict is paid (from the bond, or from the slash when the client wins).</summary>
    [Id(6)] public long VerifierFee { get; init; } = 2;

    /// <summary>How many verifiers judge a dispute (fewer when fewer other agents offer the capability).</summary>
    [Id(7)] public int VerifierQuorum { get; init; } = 3;

    /// <summary>The stake an agent must hold to be assigned tasks; also what a lost dispute slashes (at most what it holds).</summary>
    [Id(8)] public long MinStake { get; init; } = 10;

    /// <summary>The client's share of what is slashed after verifier fees, in basis points; the rest goes to the treasury.</summary>
    [Id(9)] public int SlashClientShareBps { get; init; } = 5000;

    /// <summary>The fee on a payment of <paramref name="price"/>, rounded down.</summary>
    public long FeeOn(long price) => checked(price * ProtocolFeeBps) / 10_000;

    /// <summary>The problems with these settings; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxAttempts < 1)
        {
            errors.Add("MaxAttempts must be at least 1.");
        }

        if (ExecutionTimeout <= TimeSpan.Zero || ChallengeWindow <= TimeSpan.Zero || VerdictTimeout <= TimeSpan.Zero)
        {
            errors.Add("ExecutionTimeout, ChallengeWindow and VerdictTimeout must be positive.");
        }

        if (ProtocolFeeBps is < 0 or > 10_000 || SlashClientShareBps is < 0 or > 10_000)
        {
            errors.Add("ProtocolFeeBps and SlashClientShareBps must be between 0 and 10000.");
        }

        if (VerifierQuorum < 1 || VerifierFee < 0 || MinStake < 0)
        {
            errors.Add("VerifierQuorum must be at least 1; VerifierFee and MinStake must not be negative.");
        }

        if (DisputeBond < (long)VerifierQuorum * VerifierFee || DisputeBond < 1)
        {
            errors.Add("DisputeBond must be positive and cover VerifierQuorum x VerifierFee.");
        }

        return errors;
    }
}
