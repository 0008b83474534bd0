namespace Ainur.Gateway.Tests.Observability;

/// <summary>
/// A real node's /metrics against promtool, the alert rules, the dashboard and docs/metrics.md: what operators point
/// Prometheus and Grafana at must exist where they look.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class NodeScrapeTests(ScrapedNodeFixture node) : IClassFixture<ScrapedNodeFixture>
{
    // Made by Prometheus for every target, never by the target itself.
    private static readonly HashSet<string> SyntheticMetrics = ["up"];

    [Fact]
    public async Task NodeScrape_AinurMetrics_PassPromtoolCheckMetrics()
    {
        await AssertPromtoolCheckMetricsAsync(node.Scrape);
    }

    /// <summary>
    /// The whole scrape parses, and Ainur's own families lint clean. Orleans' and ASP.NET Core's do not (no help
    /// text, camelCase labels): theirs to fix, so only a parse failure of the whole counts.
    /// </summary>
    internal static async Task AssertPromtoolCheckMetricsAsync(string scrape)
    {
        var (_, whole) = await Promtool.RunAsync(["check", "metrics"], scrape);
        Assert.DoesNotContain("error while linting", whole, StringComparison.Ordinal);
        var ainur = PrometheusText.Only(scrape, "ainur_");
        Assert.Contains("# TYPE ainur_", ainur, StringComparison.Ordinal);
        var (exitCode, output) = await Promtool.RunAsync(["check", "metrics"], ainur);
        Assert.True(exitCode == 0, $"promtool check metrics found problems in the ainur_* metrics:\n{output}");
    }

    [Fact]
    public void AlertRulesAndDashboard_UseOnlyMetricsTheNodeExports()
    {
        var exported = PrometheusText.SeriesNames(node.Scrape);
        var used = MonitoringFiles.Expressions().SelectMany(MonitoringFiles.MetricNames).ToHashSet();

        Assert.Contains("ainur_ledger_mempool_pending", used);
        Assert.Contains("orleans_consistent_ring_size", used);
        Assert.Empty(used.Except(exported).Except(SyntheticMetrics).Order().Select(n => n + " is used by the rules or the dashboard but not in the scrape"));
    }

    [Fact]
    public void NodeScrape_AinurFamilies_AreDocumented_WithTheirTypeAndLabels()
    {
        var documented = MetricsDoc.Read();
        var families = PrometheusText.Families(node.Scrape).Where(f => f.Key.StartsWith("ainur_", StringComparison.Ordinal)).ToList();

        Assert.True(families.Count >= 12, $"only {families.Count} ainur_* families in the scrape");
        foreach (var (family, type) in families)
        {
            Assert.True(documented.TryGetValue(family, out var doc), $"{family} is in the scrape but not in docs/metrics.md");
            Assert.Equal(doc.Type, type);
            var labels = PrometheusText.LabelNames(node.Scrape, family).Where(l => l != "le" && !l.StartsWith("otel_scope_", StringComparison.Ordinal));
            Assert.Empty(labels.Except(doc.Labels).Select(l => $"{family} has label {l}, not in docs/metrics.md"));
        }
    }
}
