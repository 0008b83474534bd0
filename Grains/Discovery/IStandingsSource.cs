using System.Collections.Immutable;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Discovery;

/// <summary>Where <see cref="Standings"/> reads from (the ledger, reputation and roster grains; a fake in tests of its rules).</summary>
public interface IStandingsSource
{
    /// <summary>The standing of each of <paramref name="agents"/> that could be read (an unreadable one is missing).</summary>
    Task<IReadOnlyDictionary<Did, Standing>> StandingsAsync(IReadOnlyCollection<Did> agents);

    /// <summary>The tasks in flight of each of <paramref name="agents"/>' offers of <paramref name="capability"/> (missing: unreadable).</summary>
    Task<IReadOnlyDictionary<Did, int>> InFlightAsync(string capability, ImmutableArray<Did> agents);
}
