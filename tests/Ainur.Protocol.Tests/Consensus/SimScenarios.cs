using System.Collections.Immutable;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>Random schedules drawn from a seed: faults never exceed f Byzantine validators; honest ones may also go down for a while.</summary>
internal static class SimScenarios
{
    private static readonly Byzantine[] Misbehaviours =
        [Byzantine.EquivocateProposals, Byzantine.DoubleVote, Byzantine.BadSignatures, Byzantine.UnknownBlockVotes, Byzantine.FutureMessages, Byzantine.Withhold, Byzantine.VoteForEverything];

    /// <summary>Up to f Byzantine validators, message loss until some time, duplication, delays, maybe a partition and honest outages.</summary>
    public static SimOptions Random(Random random, int validators, OutageKind? outages)
    {
        var maxFaulty = (validators - 1) / 3;
        var order = Enumerable.Range(0, validators).OrderBy(_ => random.Next()).ToArray();
        var faulty = order.Take(random.Next(maxFaulty + 1)).ToImmutableDictionary(i => i, _ => RandomFaults(random));
        var honest = order.Skip(faulty.Count).ToArray();
        var outageCount = outages is null ? 0 : random.Next(1, 3);
        return new SimOptions
        {
            Validators = validators,
            Faulty = faulty,
            Outages = [.. Enumerable.Range(0, outageCount).Select(_ =>
            {
                var from = random.Next(0, 2500);
                return new Outage(honest[random.Next(honest.Length)], from, from + random.Next(50, 2500), outages!.Value);
            }).DistinctBy(o => o.Node)],
            Partition = random.NextDouble() < 0.3 ? RandomPartition(random, validators) : null,
            Loss = random.NextDouble() < 0.7 ? random.NextDouble() * 0.35 : 0,
            LossUntil = random.Next(0, 3000),
            Duplication = random.NextDouble() * 0.3,
            MaxDelay = random.Next(2, 60),
            Submissions = [.. Enumerable.Range(0, random.Next(1, 7)).Select(_ => (long)random.Next(0, 2500)).Order()],
            BlockSize = random.Next(1, 4),
        };
    }

    /// <summary>Four honest validators; two of them go silent from <paramref name="from"/> for five seconds, with a lossy, duplicating network.</summary>
    public static SimOptions TwoOfFourSilent(Random random, long from)
    {
        var kind = random.Next(2) == 0 ? OutageKind.Isolate : OutageKind.Crash;
        var silent = Enumerable.Range(0, 4).OrderBy(_ => random.Next()).Take(2).ToArray();
        return new SimOptions
        {
            Validators = 4,
            Outages = [.. silent.Select(node => new Outage(node, from, from + 5000, kind))],
            Loss = random.NextDouble() * 0.2,
            LossUntil = from + 5000,
            Duplication = random.NextDouble() * 0.2,
            MaxDelay = random.Next(2, 30),
            Submissions = [.. Enumerable.Range(0, random.Next(2, 6)).Select(_ => (long)random.Next(0, (int)from + 3000)).Order()],
            BlockSize = random.Next(1, 3),
        };
    }

    private static Byzantine RandomFaults(Random random)
    {
        if (random.NextDouble() < 0.25)
        {
            return Byzantine.Silent;
        }

        var faults = Byzantine.None;
        while (faults == Byzantine.None)
        {
            faults = Misbehaviours.Where(_ => random.NextDouble() < 0.5).Aggregate(Byzantine.None, (all, one) => all | one);
        }

        return faults;
    }

    private static Partition RandomPartition(Random random, int validators)
    {
        var sideA = Enumerable.Range(0, validators).OrderBy(_ => random.Next()).Take(random.Next(1, validators)).ToImmutableHashSet();
        var from = random.Next(0, 2000);
        return new Partition(from, from + random.Next(100, 3000), sideA);
    }
}
