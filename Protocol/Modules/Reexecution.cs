using System.Collections.Immutable;
using Ainur.Protocol.Hashing;

namespace Ainur.Protocol.Modules;

/// <summary>Where the verification of a hosted result stands.</summary>
public enum ReexecutionVerdict
{
    /// <summary>Two executions agree: their output stands.</summary>
    Agreed = 0,

    /// <summary>No two agree yet and fewer than the maximum ran: run once more.</summary>
    RunAgain = 1,

    /// <summary>The maximum ran and no two agree: the module is not deterministic.</summary>
    NonDeterministic = 2,
}

/// <summary>
/// The decision after the executions so far: <paramref name="Output"/> is the agreed output hash (Agreed only) and
/// <paramref name="Losers"/> the indices of the executions whose output differs from it.
/// </summary>
public sealed record ReexecutionDecision(ReexecutionVerdict Verdict, Hash32? Output, ImmutableArray<int> Losers);

/// <summary>
/// Verification by re-execution, a pure rule: the first execution's output hash and those of its re-executions, in the
/// order they finished. The first hash that a second execution matches stands; until two agree, another execution
/// runs, up to <see cref="MaxExecutions"/>; all of them different proves the module non-deterministic.
/// </summary>
public static class Reexecution
{
    /// <summary>The most executions one result gets: the first plus two re-executions.</summary>
    public const int MaxExecutions = 3;

    /// <summary>Executions before any decision: the first and the default single re-execution.</summary>
    public const int FirstRound = 2;

    /// <summary>Decides on <paramref name="outputs"/> (at least one; at most <see cref="MaxExecutions"/> are read).</summary>
    public static ReexecutionDecision Decide(ImmutableArray<Hash32> outputs)
    {
        if (outputs.IsDefaultOrEmpty)
        {
            throw new ArgumentException("At least the first execution's output is needed.", nameof(outputs));
        }

        var considered = outputs.Length > MaxExecutions ? outputs[..MaxExecutions] : outputs;
        for (var i = 0; i < considered.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (considered[i] == considered[j])
                {
                    var agreed = considered[i];
                    return new(ReexecutionVerdict.Agreed, agreed, [.. Enumerable.Range(0, considered.Length).Where(k => considered[k] != agreed)]);
                }
            }
        }

        return considered.Length < MaxExecutions
            ? new(ReexecutionVerdict.RunAgain, null, [])
            : new(ReexecutionVerdict.NonDeterministic, null, []);
    }
}
