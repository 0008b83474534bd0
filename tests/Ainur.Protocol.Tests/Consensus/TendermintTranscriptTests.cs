using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>
/// Golden transcripts (raft's interaction tests): one small schedule's every step, compared line by line with
/// testdata/*.txt. A change to the core that changes what validators send shows up as a diff to review. After an
/// intended change, regenerate with <c>AINUR_UPDATE_GOLDEN=1</c> and read the diff before committing it; never
/// regenerate to make a failure go away.
/// </summary>
public sealed class TendermintTranscriptTests
{
    [Fact]
    public void Transcript_FourValidatorsOneEquivocatingProposer_MatchesGolden()
    {
        var options = new SimOptions
        {
            Validators = 4,
            Faulty = ImmutableDictionary<int, Byzantine>.Empty.Add(2, Byzantine.EquivocateProposals),
            MaxDelay = 5,
            Submissions = [0, 30],
            BlockSize = 1,
        };

        Compare("tendermint-four-validators.txt", Transcript(options, seed: 7));
    }

    private static List<string> Transcript(SimOptions options, int seed)
    {
        var lines = new List<string> { $"# {options.Describe()} seed {seed}" };
        var net = new SimNetwork(options, seed, lines.Add);
        Assert.True(net.Run(10_000, net.AllFinal));
        return lines;
    }

    private static void Compare(string name, List<string> actual, [CallerFilePath] string source = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(source)!, "testdata", name);
        if (Environment.GetEnvironmentVariable("AINUR_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllLines(path, actual);
        }

        var expected = File.ReadAllLines(path);
        for (var i = 0; i < Math.Min(expected.Length, actual.Count); i++)
        {
            Assert.True(expected[i] == actual[i], $"{name} line {i + 1} differs:\n  expected: {expected[i]}\n  actual:   {actual[i]}");
        }

        Assert.Equal(expected.Length, actual.Count);
    }
}
