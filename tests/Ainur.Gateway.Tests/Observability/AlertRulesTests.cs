using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ainur.Gateway.Tests.Observability;

/// <summary>k8s/monitoring's alert rules and dashboard, checked by promtool (the scrape side: <see cref="NodeScrapeTests"/>).</summary>
public sealed class AlertRulesTests
{
    [Fact]
    public async Task AlertRules_PassPromtoolCheckRules()
    {
        var output = await Promtool.SucceedsAsync("check", "rules", MonitoringFiles.Rules);

        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertRules_PassTheirPromtoolUnitTests()
    {
        var output = await Promtool.SucceedsAsync("test", "rules", MonitoringFiles.RuleTests);

        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryAlert_HasAUnitTestWhereItFires_AndOneWhereItStaysQuiet()
    {
        var tests = File.ReadAllText(MonitoringFiles.RuleTests);
        var alerts = MonitoringFiles.AlertNames();

        Assert.Superset(new HashSet<string> { "AinurFinalityStalled", "AinurTasksStuck", "AinurGatewayErrorRate", "AinurSiloLost" }, alerts.ToHashSet());
        foreach (var alert in alerts)
        {
            var name = Regex.Escape(alert);
            Assert.Matches(new Regex($@"alertname: {name}\s*\n\s*exp_alerts:\s*\n\s*- exp_labels:"), tests);
            Assert.Matches(new Regex($@"alertname: {name}\s*\n\s*exp_alerts: \[\]"), tests);
        }
    }

    [Fact]
    public void Dashboard_IsGrafanaJson_WithAQueryInEveryPanel()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(MonitoringFiles.Dashboard));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();

        Assert.Equal("ainur-overview", dashboard.RootElement.GetProperty("uid").GetString());
        Assert.NotEmpty(panels);
        Assert.All(panels, p => Assert.Contains(p.GetProperty("targets").EnumerateArray(), t => !string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString())));
    }
}
