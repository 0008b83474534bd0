using System.Collections.Concurrent;
using System.Collections.Immutable;
using Ainur.Protocol.Identity;

namespace Ainur.Grains.Discovery;

/// <summary>
/// What ranking needs to know about agents beyond the index, kept per silo: each agent's <see cref="Standing"/>
/// (routing reputation, minimum stake held) and each offer's tasks in flight. Answers come from memory; only an agent
/// or offer asked for the first time is read at once. <see cref="RefreshAsync"/> (every <see cref="RefreshPeriod"/>,
/// run by the silo) re-reads all that was asked for within <see cref="KeepFor"/> and forgets the rest. So a shown
/// standing or load is at most one period plus one refresh old: the age at which capability rosters route.
/// </summary>
public sealed class Standings(IStandingsSource source, TimeProvider clock)
{
    /// <summary>How often what is kept is read again.</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);

    /// <summary>An agent or offer nobody asked about for this long is no longer refreshed (and forgotten).</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);

    // Reads in flight at once during a refresh: overlaps grain calls without flooding the silo with thousands.
    private const int RefreshBatch = 256;

    private readonly ConcurrentDictionary<Did, Kept<Standing>> _standings = new();
    private readonly ConcurrentDictionary<(string Capability, Did Agent), Kept<int>> _loads = new();

    /// <summary>The standing of each of <paramref name="agents"/> that is known or could be read (an unreadable one is missing).</summary>
    public async Task<IReadOnlyDictionary<Did, Standing>> GetAsync(IReadOnlyCollection<Did> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var now = clock.GetUtcNow();
        var missing = agents.Where(a => !Touch(_standings, a, now)).Distinct().ToList();
        if (missing.Count > 0)
        {
            Keep(_standings, await source.StandingsAsync(missing), now);
        }

        return agents.Distinct().Where(_standings.ContainsKey).ToDictionary(a => a, a => _standings[a].Value);
    }

    /// <summary>The tasks in flight of each of <paramref name="offers"/> (an unreadable one is missing).</summary>
    public async Task<IReadOnlyDictionary<(string Capability, Did Agent), int>> InFlightAsync(IReadOnlyCollection<(string Capability, Did Agent)> offers)
    {
        ArgumentNullException.ThrowIfNull(offers);
        var now = clock.GetUtcNow();
        var missing = offers.Where(o => !Touch(_loads, o, now)).Distinct().ToList();
        if (missing.Count > 0)
        {
            Keep(_loads, await ReadLoadsAsync(missing), now);
        }

        return offers.Distinct().Where(_loads.ContainsKey).ToDictionary(o => o, o => _loads[o].Value);
    }

    /// <summary>Forgets what nobody asked about within <see cref="KeepFor"/>, and reads the rest again; a failed read keeps the old value.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var agents = Live(_standings, now);
        foreach (var batch in agents.Chunk(RefreshBatch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Update(_standings, await source.StandingsAsync(batch));
        }

        var offers = Live(_loads, now);
        foreach (var batch in offers.Chunk(RefreshBatch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Update(_loads, await ReadLoadsAsync(batch));
        }
    }

    private async Task<IReadOnlyDictionary<(string Capability, Did Agent), int>> ReadLoadsAsync(IReadOnlyCollection<(string Capability, Did Agent)> offers)
    {
        // One roster per capability answers for all of its agents.
        var reads = offers.GroupBy(o => o.Capability, StringComparer.Ordinal).Select(async g =>
        {
            var agents = g.Select(o => o.Agent).ToImmutableArray();
            var counts = await source.InFlightAsync(g.Key, agents);
            return counts.Select(c => ((g.Key, c.Key), c.Value));
        });
        return (await Task.WhenAll(reads)).SelectMany(r => r).ToDictionary(r => r.Item1, r => r.Value);
    }

    /// <summary>Whether <paramref name="key"/> is known; if so it counts as asked for now.</summary>
    private static bool Touch<TKey, TValue>(ConcurrentDictionary<TKey, Kept<TValue>> table, TKey key, DateTimeOffset now)
        where TKey : notnull
    {
        if (!table.TryGetValue(key, out var kept))
        {
            return false;
        }

        // Lost to a refresh writing at the same moment, the touch costs at most an early re-read; never a wrong value.
        table.TryUpdate(key, kept with { AskedAt = now }, kept);
        return true;
    }

    private static void Keep<TKey, TValue>(ConcurrentDictionary<TKey, Kept<TValue>> table, IReadOnlyDictionary<TKey, TValue> read, DateTimeOffset now)
        where TKey : notnull
    {
        foreach (var (key, value) in read)
        {
            table[key] = new Kept<TValue>(value, now);
        }
    }

    /// <summary>New values for keys still kept (one forgotten meanwhile stays forgotten).</summary>
    private static void Update<TKey, TValue>(ConcurrentDictionary<TKey, Kept<TValue>> table, IReadOnlyDictionary<TKey, TValue> read)
        where TKey : notnull
    {
        foreach (var (key, value) in read)
        {
            // Retried when a touch replaced the entry meanwhile, so a refreshed value is never lost to it.
            while (table.TryGetValue(key, out var kept))
            {
                if (table.TryUpdate(key, kept with { Value = value }, kept))
                {
                    break;
                }
            }
        }
    }

    /// <summary>The keys asked for within <see cref="KeepFor"/>; the others are removed.</summary>
    private static List<TKey> Live<TKey, TValue>(ConcurrentDictionary<TKey, Kept<TValue>> table, DateTimeOffset now)
        where TKey : notnull
    {
        foreach (var (key, kept) in table)
        {
            if (now - kept.AskedAt >= KeepFor)
            {
                table.TryRemove(KeyValuePair.Create(key, kept));
            }
        }

        return [.. table.Keys];
    }

    /// <summary>A value and when ranking last asked for it.</summary>
    private sealed record Kept<T>(T Value, DateTimeOffset AskedAt);
}

/// <summary>An agent's routing reputation and whether it holds the minimum stake.</summary>
public sealed record Standing(double Reputation, bool Staked);
