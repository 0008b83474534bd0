using System.Text.RegularExpressions;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Observability;

/// <summary>One row of docs/metrics.md: a Prometheus metric family, its type and its labels.</summary>
internal sealed record DocumentedMetric(string Name, string Type, IReadOnlySet<string> Labels);

/// <summary>The metrics table of docs/metrics.md.</summary>
internal static partial class MetricsDoc
{
    public static string Path => System.IO.Path.Combine(BuiltNode.RepositoryRoot, "docs", "metrics.md");

    /// <summary>The rows whose first cell is a backticked <c>ainur_*</c> name, by name.</summary>
    public static IReadOnlyDictionary<string, DocumentedMetric> Read()
    {
        var rows = new Dictionary<string, DocumentedMetric>();
        foreach (Match row in Row().Matches(File.ReadAllText(Path)))
        {
            var name = row.Groups["name"].Value;
            var labels = Label().Matches(row.Groups["labels"].Value).Select(m => m.Groups[1].Value).ToHashSet();
            Assert.True(rows.TryAdd(name, new DocumentedMetric(name, row.Groups["type"].Value.Trim(), labels)), $"{name} is documented twice");
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    [GeneratedRegex(@"^\|\s*`(?<name>ainur_[a-z0-9_]+)`\s*\|(?<type>[^|]*)\|(?<labels>[^|]*)\|", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex("`([a-z_]+)`")]
    private static partial Regex Label();
}
