using Ainur.Protocol.Reputation;
using CsCheck;

namespace Ainur.Protocol.Tests.Reputation;

/// <summary>Generators of counters and of gossip histories between a few replicas.</summary>
internal static class Counters
{
    public static readonly string[] Replicas = ["eu-1", "us-1", "ap-1", "eu-2"];

    /// <summary>One increment by one replica.</summary>
    public static readonly Gen<(int Replica, TaskOutcome Outcome)> Increments = Gen.Select(Gen.Int[0, Replicas.Length - 1], Gen.Enum<TaskOutcome>());

    /// <summary>A counter built by increments only, as any replica's observation is.</summary>
    public static readonly Gen<ReputationCounter> Any = Increments.Array[0, 40].Select(Build);

    /// <summary>
    /// A step of a history: replica <c>Replica</c> either counts <c>Outcome</c> in its own slot or, when
    /// <c>Gossip</c> is set, merges a state another replica published earlier (<c>Pick</c> chooses which).
    /// </summary>
    public static readonly Gen<Step> Steps = Gen.Select(Gen.Int[0, Replicas.Length - 1], Gen.Enum<TaskOutcome>(), Gen.Bool, Gen.Int[0, int.MaxValue])
        .Select((replica, outcome, gossip, pick) => new Step(replica, outcome, gossip, pick));

    public static ReputationCounter Build((int Replica, TaskOutcome Outcome)[] increments) =>
        increments.Aggregate(ReputationCounter.Empty, (counter, i) => counter.Increment(Replicas[i.Replica], i.Outcome));

    /// <summary>Runs <paramref name="steps"/>; returns every state each replica published, in order, and the increments per replica.</summary>
    public static History Run(Step[] steps)
    {
        var current = Replicas.Select(_ => ReputationCounter.Empty).ToArray();
        var published = new List<ReputationCounter>();
        var increments = new long[Replicas.Length];
        foreach (var step in steps)
        {
            if (step.Gossip && published.Count > 0)
            {
                current[step.Replica] = current[step.Replica].Merge(published[step.Pick % published.Count]);
            }
            else
            {
                current[step.Replica] = current[step.Replica].Increment(Replicas[step.Replica], step.Outcome);
                increments[step.Replica]++;
            }

            published.Add(current[step.Replica]);
        }

        return new History(published, current, increments);
    }

    public sealed record Step(int Replica, TaskOutcome Outcome, bool Gossip, int Pick);

    public sealed record History(IReadOnlyList<ReputationCounter> Published, ReputationCounter[] Finals, long[] Increments);
}
