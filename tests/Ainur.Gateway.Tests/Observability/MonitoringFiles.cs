using System.Text.Json;
using System.Text.RegularExpressions;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Observability;

/// <summary>k8s/monitoring's rule file and dashboard, and the metric names their expressions use.</summary>
internal static partial class MonitoringFiles
{
    public static string Folder => Path.Combine(BuiltNode.RepositoryRoot, "k8s", "monitoring");

    public static string Rules => Path.Combine(Folder, "prometheus", "ainur-alerts.yaml");

    public static string RuleTests => Path.Combine(Folder, "prometheus", "ainur-alerts.test.yaml");

    public static string Dashboard => Path.Combine(Folder, "grafana", "ainur.json");

    /// <summary>The alert names the rule file defines.</summary>
    public static IReadOnlyList<string> AlertNames() =>
        [.. AlertLine().Matches(File.ReadAllText(Rules)).Select(m => m.Groups[1].Value)];

    /// <summary>Every PromQL expression of the rule file (block scalars included) and of the dashboard's panels.</summary>
    public static IReadOnlyList<string> Expressions()
    {
        var expressions = new List<string>();
        var lines = File.ReadAllLines(Rules);
        for (var i = 0; i < lines.Length; i++)
        {
            var match = ExprLine().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            if (match.Groups[2].Value is not ("|" or ">" or "|-" or ">-"))
            {
                expressions.Add(match.Groups[2].Value);
                continue;
            }

            var indent = match.Groups[1].Value.Length;
            var block = new List<string>();
            while (i + 1 < lines.Length && (lines[i + 1].Length == 0 || lines[i + 1].TakeWhile(c => c == ' ').Count() > indent))
            {
                block.Add(lines[++i]);
            }

            expressions.Add(string.Join('\n', block));
        }

        using var dashboard = JsonDocument.Parse(File.ReadAllText(Dashboard));
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (panel.TryGetProperty("targets", out var targets))
            {
                expressions.AddRange(targets.EnumerateArray().Select(t => t.GetProperty("expr").GetString()!));
            }
        }

        return expressions;
    }

    /// <summary>
    /// The metric names in <paramref name="expression"/>: identifiers followed by a selector, a range or nothing, that
    /// are not PromQL functions, aggregations, keywords, label names or Grafana variables.
    /// </summary>
    public static IEnumerable<string> MetricNames(string expression)
    {
        // Label matchers and grouping clauses name labels, not metrics; strings and Grafana's $variables are neither.
        var text = Matchers().Replace(expression, "{}");
        text = Grouping().Replace(text, " ");
        text = Strings().Replace(text, "\"\"");
        text = Variables().Replace(text, " ");
        foreach (Match match in Identifier().Matches(text))
        {
            var name = match.Groups[1].Value;
            var next = text[(match.Index + match.Length)..].TrimStart();
            if (!NotMetrics.Contains(name) && !next.StartsWith('(') && !char.IsDigit(name[0]))
            {
                yield return name;
            }
        }
    }

    private static readonly HashSet<string> NotMetrics =
        ["and", "or", "unless", "on", "ignoring", "by", "without", "group_left", "group_right", "offset", "bool", "inf", "nan", "le"];

    [GeneratedRegex(@"^\s*-\s*alert:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertLine();

    [GeneratedRegex(@"^(\s*)expr:\s*(.*?)\s*$")]
    private static partial Regex ExprLine();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\$\w+")]
    private static partial Regex Variables();

    [GeneratedRegex(@"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)")]
    private static partial Regex Identifier();
}
