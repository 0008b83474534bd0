using k8s.Models;

namespace Ainur.Deployment.Tests;

/// <summary>Every overlay under k8s/overlays renders with <c>kubectl kustomize</c>, loads as typed objects and passes the checks.</summary>
public sealed class OverlayTests
{
    /// <summary>Each folder of k8s/overlays, found on disk so that a new overlay is checked without editing this list.</summary>
    public static TheoryData<string> Overlays()
    {
        var overlays = Directory.GetDirectories(Tool.InRepository("k8s/overlays")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        Assert.Contains("dev", overlays);
        Assert.Contains("production", overlays);
        return [.. overlays.Select(o => $"k8s/overlays/{o}")];
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Rendered_HasSilosGatewaysAndPostgresInOneNamespace(string overlay)
    {
        var manifests = Manifests.Render(overlay);

        Assert.Equal(["ainur-gateway", "ainur-postgres", "ainur-silo"], manifests.Workloads.Select(w => w.Name).Order(StringComparer.Ordinal));
        Assert.Single(manifests.OfType<V1Namespace>());
        var ns = manifests.OfType<V1Namespace>().Single().Metadata.Name;
        Assert.All(manifests.Objects.OfType<IMetadata<V1ObjectMeta>>().Where(o => o is not V1Namespace), o => Assert.Equal(ns, o.Metadata.NamespaceProperty));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Monitoring_RulesAndDashboardComeAlong_UnderTheNamesTheyAreMountedBy(string overlay)
    {
        var maps = Manifests.Render(overlay).OfType<V1ConfigMap>().ToDictionary(m => m.Metadata.Name, StringComparer.Ordinal);

        Assert.True(maps.TryGetValue("ainur-prometheus-rules", out var rules), "no ainur-prometheus-rules ConfigMap");
        Assert.Equal(File.ReadAllText(Tool.InRepository("k8s/monitoring/prometheus/ainur-alerts.yaml")), rules!.Data["ainur-alerts.yaml"]);
        Assert.True(maps.TryGetValue("ainur-grafana-dashboards", out var dashboards), "no ainur-grafana-dashboards ConfigMap");
        Assert.Equal("1", dashboards!.Metadata.Labels["grafana_dashboard"]);
        Assert.True(dashboards.Data.ContainsKey("ainur.json"));
        Assert.False(rules.Metadata.Labels?.ContainsKey("grafana_dashboard") ?? false, "the rules would be loaded as a dashboard");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Images_ArePinned(string overlay) => Assert.Empty(ManifestChecks.UnpinnedImages(Manifests.Render(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Probes_ArePresent(string overlay) => Assert.Empty(ManifestChecks.MissingProbes(Manifests.Render(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Resources_HaveRequestsAndLimits(string overlay) => Assert.Empty(ManifestChecks.MissingResources(Manifests.Render(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Secrets_AreNotInTheManifests(string overlay) => Assert.Empty(ManifestChecks.SecretLiterals(Manifests.Render(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Rbac_IsOnlyWhatOrleansHostingNeeds(string overlay)
    {
        var manifests = Manifests.Render(overlay);

        Assert.Empty(ManifestChecks.ExcessRbac(manifests));
        // And no less: without these verbs Orleans' Kubernetes hosting cannot start.
        Assert.Equal(ManifestChecks.OrleansPodVerbs.Order(), manifests.OfType<V1Role>().Single().Rules.Single().Verbs.Order());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Silos_GetWhatOrleansKubernetesHostingReads(string overlay) => Assert.Empty(ManifestChecks.MissingOrleansPodWiring(Manifests.Render(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Shutdown_IsGracefulWithinTheKubeletsGracePeriod(string overlay) => Assert.Empty(ManifestChecks.UngracefulShutdown(Manifests.Render(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_References_AllResolve(string overlay) => Assert.Empty(ManifestChecks.DanglingReferences(Manifests.Render(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_DisruptionAndScaling_CoverSilosAndGateways(string overlay)
    {
        var manifests = Manifests.Render(overlay);

        var budgets = manifests.OfType<V1PodDisruptionBudget>().ToDictionary(p => p.Metadata.Name);
        Assert.Equal(1, budgets["ainur-silo"].Spec.MaxUnavailable?.Value is { } max ? int.Parse(max, System.Globalization.CultureInfo.InvariantCulture) : 0);
        Assert.Contains("ainur-gateway", budgets.Keys);
        var scaler = Assert.Single(manifests.OfType<V2HorizontalPodAutoscaler>());
        Assert.Equal(("Deployment", "ainur-gateway"), (scaler.Spec.ScaleTargetRef.Kind, scaler.Spec.ScaleTargetRef.Name));
        Assert.InRange(scaler.Spec.MinReplicas ?? 1, 1, scaler.Spec.MaxReplicas);
        // The autoscaler owns the gateways' count: a replicas field would reset it at every apply.
        Assert.Null(manifests.OfType<V1Deployment>().Single(d => d.Metadata.Name == "ainur-gateway").Spec.Replicas);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Migration_RunsBeforeEverySilo(string overlay)
    {
        var silo = ManifestChecks.SiloWorkloads(Manifests.Render(overlay)).Single();

        var migrate = Assert.Single(silo.Template.Spec.InitContainers);
        Assert.Equal(["migrate"], migrate.Args);
        Assert.Equal(silo.Containers.Single().Image, migrate.Image);
        Assert.Contains(silo.Containers.Single().Env, e => e is { Name: "Ainur__Postgres__MigrateOnStart", Value: "false" });
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_ClusterTls_IsMountedInEverySiloAndGateway(string overlay)
    {
        var manifests = Manifests.Render(overlay);

        Assert.Empty(ManifestChecks.MissingClusterTls(manifests));
        // What the check covered: the silo and the gateway; the migration init container joins no cluster.
        Assert.Equal(["ainur-gateway/gateway", "ainur-silo/silo"],
            ManifestChecks.ClusterContainers(manifests).Select(x => $"{x.Workload.Name}/{x.Container.Name}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_ClusterTls_IsNeverTurnedOff(string overlay) => Assert.Empty(ManifestChecks.DisabledClusterTls(Manifests.Render(overlay)));
}
