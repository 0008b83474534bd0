using System.Text.RegularExpressions;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>docs/protocol.md cannot drift from the code: its transition table, its hex examples and its links to the vectors are checked.</summary>
public sealed partial class ProtocolDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(ProtocolVectors.DocsDirectory, "protocol.md"));

    [Fact]
    public void TransitionTable_IsTaskTransitions()
    {
        var block = Doc[(Doc.IndexOf("<!-- transitions:begin -->", StringComparison.Ordinal) + 1)..Doc.IndexOf("<!-- transitions:end -->", StringComparison.Ordinal)];
        var rows = block.Split('\n')
            .Where(line => line.StartsWith('|') && !line.StartsWith("|---", StringComparison.Ordinal) && !line.StartsWith("| From ", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => (From: cells[1] == "—" ? null : cells[1], To: cells[2], Actor: cells[3]))
            .ToList();

        Assert.Equal(rows.Count, rows.Distinct().Count());
        Assert.Equal(TaskVectors.Sorted().ToHashSet(), rows.ToHashSet());
    }

    [Fact]
    public void HexExamples_AppearInTheVectors()
    {
        // What the code generates, not the files: those are compared with it by ProtocolVectorsTests (and may be being rewritten).
        var vectors = string.Concat(ProtocolVectors.Files.Values.Select(generate => VectorJson.FileText(generate())));

        var missing = LongHex().Matches(Doc).Select(m => m.Value).Where(hex => !vectors.Contains(hex, StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, $"docs/protocol.md quotes bytes no vector holds (stale after a change?): {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryVectorFile_IsLinkedAndPointsToASectionThatExists()
    {
        var anchors = Heading().Matches(Doc).Select(m => Slug(m.Groups[1].Value)).ToHashSet();
        foreach (var (name, generate) in ProtocolVectors.Files)
        {
            Assert.Contains($"(vectors/{name})", Doc, StringComparison.Ordinal);
            var reference = generate()["reference"]!.GetValue<string>();
            Assert.StartsWith("docs/protocol.md#", reference, StringComparison.Ordinal);
            Assert.True(anchors.Contains(reference["docs/protocol.md#".Length..]), $"{name} refers to {reference}, which is no heading of docs/protocol.md.");
        }
    }

    // GitHub's heading anchors: lower case, punctuation other than '-' dropped, spaces to '-'.
    private static string Slug(string heading) =>
        string.Concat(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '-' or ' ')).Replace(' ', '-');

    [GeneratedRegex(@"\b[0-9a-f]{16,}\b")]
    private static partial Regex LongHex();

    [GeneratedRegex(@"^#{2,3} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
