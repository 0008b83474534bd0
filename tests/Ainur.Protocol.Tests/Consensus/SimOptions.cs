using System.Collections.Immutable;
using System.Text;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>What a Byzantine validator does on top of running an honest core (flags combine).</summary>
[Flags]
internal enum Byzantine
{
    None = 0,

    /// <summary>Sends nothing, ever.</summary>
    Silent = 1,

    /// <summary>As proposer, sends one block to some validators and another to the rest.</summary>
    EquivocateProposals = 2,

    /// <summary>Sends each vote to some validators and a conflicting one to the rest.</summary>
    DoubleVote = 4,

    /// <summary>Also sends copies with broken signatures, or claiming another validator's index.</summary>
    BadSignatures = 8,

    /// <summary>Votes for random hashes of blocks that do not exist instead of the real ones.</summary>
    UnknownBlockVotes = 16,

    /// <summary>Also sends signed messages of later heights and far rounds.</summary>
    FutureMessages = 32,

    /// <summary>Sends each of its own messages to a random part of the validators only, to split them.</summary>
    Withhold = 64,

    /// <summary>Prevotes and precommits every block proposed to it, whatever its lock, to help any quorum form.</summary>
    VoteForEverything = 128,
}

/// <summary>How an honest validator goes silent for a while.</summary>
internal enum OutageKind
{
    /// <summary>Cut off the network (a switch): keeps its state and timers.</summary>
    Isolate,

    /// <summary>Crashes in its next step after persisting its guard but before sending, restarts from the guard and its blocks.</summary>
    Crash,
}

internal sealed record Outage(int Node, long From, long Until, OutageKind Kind);

internal sealed record Partition(long From, long Until, ImmutableHashSet<int> SideA);

/// <summary>
/// One schedule of the simulator: the validators and their faults, the network's misbehaviour and when it stops, and
/// when transactions arrive. Times are virtual milliseconds. Built from a seed by <see cref="SimScenarios"/>.
/// </summary>
internal sealed record SimOptions
{
    public int Validators { get; init; } = 4;

    public ImmutableDictionary<int, Byzantine> Faulty { get; init; } = ImmutableDictionary<int, Byzantine>.Empty;

    public ImmutableArray<Outage> Outages { get; init; } = [];

    public Partition? Partition { get; init; }

    /// <summary>Probability that a message is lost, until <see cref="LossUntil"/>.</summary>
    public double Loss { get; init; }

    public long LossUntil { get; init; }

    public double Duplication { get; init; }

    public int MaxDelay { get; init; } = 10;

    /// <summary>When each transaction (index into <see cref="TestValidators.Transfers"/>) is submitted.</summary>
    public ImmutableArray<long> Submissions { get; init; } = [0];

    public int BlockSize { get; init; } = 3;

    /// <summary>When the network and every validator behave again: the paper's GST.</summary>
    public long Stable => new[] { LossUntil, Partition?.Until ?? 0, Submissions.Max() }.Concat(Outages.Select(o => o.Until)).Max();

    public bool IsHonest(int node) => !Faulty.ContainsKey(node);

    public string Describe()
    {
        var text = new StringBuilder($"N={Validators} loss={Loss:0.00} until {LossUntil} dup={Duplication:0.00} delay<={MaxDelay} block<={BlockSize}");
        foreach (var (node, faults) in Faulty.OrderBy(f => f.Key))
        {
            text.Append($" byz[{node}]={faults}");
        }

        foreach (var outage in Outages)
        {
            text.Append($" {outage.Kind}[{outage.Node}]@{outage.From}-{outage.Until}");
        }

        if (Partition is { } partition)
        {
            text.Append($" partition {{{string.Join(',', partition.SideA.Order())}}}@{partition.From}-{partition.Until}");
        }

        return text.Append($" txs@[{string.Join(',', Submissions)}]").ToString();
    }
}
