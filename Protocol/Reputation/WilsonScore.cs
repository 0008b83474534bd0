namespace Ainur.Protocol.Reputation;

/// <summary>
/// The lower bound of the Wilson score interval for a binomial proportion (Wilson, 1927): a success rate that is
/// penalised for little evidence, so 1 success in 1 trial ranks below 90 in 100. Used to rank agents.
/// </summary>
public static class WilsonScore
{
    /// <summary>
    /// The lower bound, in [0, 1], of the Wilson interval for <paramref name="successes"/> out of
    /// <paramref name="trials"/> at <paramref name="z"/> standard deviations (1.96: 95% two-sided); 0 when there
    /// are no trials. It is below the observed ratio (unless that is 0) and grows towards it as trials grow at the same ratio.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Successes are negative or more than trials, or z is negative or not finite.</exception>
    public static double LowerBound(long successes, long trials, double z = 1.96)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (!double.IsFinite(z) || z < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "z must be a finite, non-negative number of standard deviations.");
        }

        // No successes (or no trials) bound at 0 exactly; the formula would leave a rounding residue of either sign.
        if (successes == 0)
        {
            return 0;
        }

        double n = trials;
        var p = successes / n;
        var z2 = z * z;
        var centre = p + z2 / (2 * n);
        var spread = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return Math.Clamp((centre - spread) / (1 + z2 / n), 0, 1);
    }
}
