using System.Globalization;
using System.Text.RegularExpressions;

namespace Ainur.Deployment.Tests;

/// <summary>
/// The scrape jobs of k8s/base/prometheus-scrape.yaml reach every pod that asks to be scraped, under the job name
/// the alert rules of k8s/monitoring select on (the pod's app.kubernetes.io/name), at a port the pod serves.
/// </summary>
public sealed partial class PrometheusScrapeTests
{
    [Theory]
    [MemberData(nameof(OverlayTests.Overlays), MemberType = typeof(OverlayTests))]
    public void Scrape_AnnotatedPods_HaveAJobOfTheirNameAndServeTheAnnotatedPort(string overlay)
    {
        var manifests = Manifests.Render(overlay);
        // Generated, so its name carries a hash of its content.
        var jobs = JobName().Matches(manifests.OfType<k8s.Models.V1ConfigMap>().Single(c => c.Metadata.Name.StartsWith("ainur-prometheus-scrape-", StringComparison.Ordinal)).Data["prometheus-scrape.yaml"]).Select(m => m.Groups[1].Value).ToHashSet();
        var scraped = manifests.Workloads.Where(w => w.Template.Metadata.Annotations?.TryGetValue("prometheus.io/scrape", out var scrape) == true && scrape == "true").ToList();

        Assert.Equal(["ainur-gateway", "ainur-silo"], scraped.Select(w => w.Name).Order(StringComparer.Ordinal));
        Assert.All(scraped, w =>
        {
            Assert.Contains(w.Template.Metadata.Labels["app.kubernetes.io/name"], jobs);
            var port = int.Parse(w.Template.Metadata.Annotations["prometheus.io/port"], CultureInfo.InvariantCulture);
            Assert.Contains(w.Containers.SelectMany(c => c.Ports ?? []), p => p.Name == "http" && p.ContainerPort == port);
        });
    }

    [GeneratedRegex(@"^- job_name: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex JobName();
}
