using System.Text.RegularExpressions;

namespace Ainur.Gateway.Tests.Observability;

/// <summary>Reads Prometheus' text exposition format: families with their types, series names and label names.</summary>
internal static partial class PrometheusText
{
    /// <summary>Family name to type, from the <c># TYPE</c> lines.</summary>
    public static Dictionary<string, string> Families(string exposition) =>
        TypeLine().Matches(exposition).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    /// <summary>Every series name (a histogram's <c>_bucket</c>, <c>_sum</c>, <c>_count</c> included).</summary>
    public static HashSet<string> SeriesNames(string exposition) =>
        SampleLine().Matches(exposition).Select(m => m.Groups[1].Value).ToHashSet();

    /// <summary>The label names on the samples of <paramref name="family"/> (its histogram series included).</summary>
    public static HashSet<string> LabelNames(string exposition, string family) =>
        SampleLine().Matches(exposition)
            .Where(m => m.Groups[1].Value == family || m.Groups[1].Value is var n && (n == family + "_bucket" || n == family + "_sum" || n == family + "_count"))
            .SelectMany(m => LabelName().Matches(m.Groups[2].Value).Select(l => l.Groups[1].Value))
            .ToHashSet();

    /// <summary>Only the lines (samples, <c># HELP</c>, <c># TYPE</c>) of the families whose names start with <paramref name="prefix"/>.</summary>
    public static string Only(string exposition, string prefix) =>
        string.Join('\n', exposition.Split('\n').Where(line => line.StartsWith(prefix, StringComparison.Ordinal)
            || line.StartsWith("# HELP " + prefix, StringComparison.Ordinal) || line.StartsWith("# TYPE " + prefix, StringComparison.Ordinal))) + "\n";

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""")]
    private static partial Regex LabelName();
}
