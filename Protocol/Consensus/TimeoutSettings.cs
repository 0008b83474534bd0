namespace Ainur.Protocol.Consensus;

/// <summary>
/// Tendermint's timeouts (Algorithm 1, lines 21, 35, 48): the timeout of round r is the base plus r times
/// <paramref name="Delta"/>, so rounds wait longer and longer until the network's real delay fits (the paper's
/// partial-synchrony argument). <paramref name="Rebroadcast"/> is how often a validator that has not finished its
/// height re-sends the messages it holds (the gossip the paper assumes); null means <paramref name="Propose"/>.
/// All values are durations of the host's clock; the core never reads a clock.
/// </summary>
public sealed record TimeoutSettings(TimeSpan Propose, TimeSpan Prevote, TimeSpan Precommit, TimeSpan Delta, TimeSpan? Rebroadcast = null)
{
    // Rounds beyond this add no more delay; it keeps Delta * round inside TimeSpan's range.
    private const int MaxGrowthRounds = 1 << 20;

    /// <summary>timeoutPropose(round) of line 21.</summary>
    public TimeSpan ProposeFor(int round) => Propose + Growth(round);

    /// <summary>timeoutPrevote(round) of line 35.</summary>
    public TimeSpan PrevoteFor(int round) => Prevote + Growth(round);

    /// <summary>timeoutPrecommit(round) of line 48.</summary>
    public TimeSpan PrecommitFor(int round) => Precommit + Growth(round);

    /// <summary>The period of the rebroadcast timer.</summary>
    public TimeSpan RebroadcastEvery => Rebroadcast ?? Propose;

    /// <summary>Problems with these settings, each with its fix; empty when usable.</summary>
    public IEnumerable<string> Problems()
    {
        var limit = TimeSpan.FromHours(1);
        foreach (var (name, value) in new[] { ("Propose", Propose), ("Prevote", Prevote), ("Precommit", Precommit), ("Rebroadcast", RebroadcastEvery) })
        {
            if (value <= TimeSpan.Zero || value > limit)
            {
                yield return $"Timeouts.{name} is {value}: set it above zero and at most one hour.";
            }
        }

        if (Delta < TimeSpan.Zero || Delta > limit)
        {
            yield return $"Timeouts.Delta is {Delta}: set it between zero and one hour.";
        }
    }

    private TimeSpan Growth(int round) => TimeSpan.FromTicks(Delta.Ticks * Math.Clamp(round, 0, MaxGrowthRounds));
}
