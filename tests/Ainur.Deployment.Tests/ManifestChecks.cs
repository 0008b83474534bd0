using System.Text.RegularExpressions;
using Ainur.Silo.Hosting;
using k8s.Models;

namespace Ainur.Deployment.Tests;

/// <summary>
/// What a rendering of k8s/ must satisfy. Each check lists the problems it finds (empty: none), so a failing test
/// names every offending object, and <see cref="ManifestChecksTests"/> can show each check catching a bad manifest.
/// </summary>
internal static partial class ManifestChecks
{
    /// <summary>The Secret the cluster's certificate comes from (cert-manager's or scripts/k8s-secrets.sh's).</summary>
    public const string ClusterTlsSecret = "ainur-cluster-tls";

    /// <summary>The files a cluster node reads from its TLS folder (a Kubernetes TLS secret's keys).</summary>
    public static readonly string[] ClusterTlsFiles = [ClusterTlsSettings.SecretCertificate, ClusterTlsSettings.SecretKey, ClusterTlsSettings.SecretAuthority];

    /// <summary>What Orleans' Kubernetes hosting calls: read its own pod, label it (patch), list and watch the silo pods.</summary>
    public static readonly string[] OrleansPodVerbs = ["get", "list", "watch", "patch"];

    /// <summary>Images without an exact version tag or a digest: none, <c>latest</c>, or a word such as <c>dev</c>.</summary>
    public static List<string> UnpinnedImages(Manifests manifests) =>
        [.. from w in manifests.Workloads
            from c in w.AllContainers
            where !IsPinned(c.Image)
            select $"{w} container {c.Name}: image '{c.Image}' is not pinned (use an exact version tag or @sha256: digest)"];

    /// <summary>Long-running containers without readiness and liveness probes; Ainur's (port <c>http</c>) on /readyz and /healthz.</summary>
    public static List<string> MissingProbes(Manifests manifests)
    {
        var problems = new List<string>();
        foreach (var w in manifests.Workloads.Where(w => w.IsLongRunning))
        {
            foreach (var c in w.Containers)
            {
                if (c.ReadinessProbe is null || c.LivenessProbe is null)
                {
                    problems.Add($"{w} container {c.Name}: needs both a readiness and a liveness probe");
                    continue;
                }

                if (c.Ports?.Any(p => p.Name == "http") == true)
                {
                    problems.AddRange(WrongHttpProbe(w, c, "readiness", c.ReadinessProbe, "/readyz"));
                    problems.AddRange(WrongHttpProbe(w, c, "liveness", c.LivenessProbe, "/healthz"));
                }
            }
        }

        return problems;
    }

    /// <summary>Containers (init ones too) without CPU and memory requests and limits.</summary>
    public static List<string> MissingResources(Manifests manifests) =>
        [.. from w in manifests.Workloads
            from c in w.AllContainers
            from part in new[] { ("requests", c.Resources?.Requests), ("limits", c.Resources?.Limits) }
            from resource in new[] { "cpu", "memory" }
            where part.Item2?.ContainsKey(resource) != true
            select $"{w} container {c.Name}: no {resource} {part.Item1}"];

    /// <summary>Secret values in the manifests: Secrets with data, literal env values or ConfigMap entries that look secret.</summary>
    public static List<string> SecretLiterals(Manifests manifests)
    {
        var problems = new List<string>();
        problems.AddRange(from s in manifests.OfType<V1Secret>()
                          where s.Data?.Count > 0 || s.StringData?.Count > 0
                          select $"Secret/{s.Metadata.Name} carries values: create it outside git (scripts/k8s-secrets.sh)");
        problems.AddRange(from w in manifests.Workloads
                          from c in w.AllContainers
                          from e in c.Env ?? []
                          where e.Value is not null && SecretName().IsMatch(e.Name)
                          select $"{w} container {c.Name}: {e.Name} has a literal value; take it from a Secret");
        problems.AddRange(from m in manifests.OfType<V1ConfigMap>()
                          from entry in m.Data ?? new Dictionary<string, string>()
                          where SecretName().IsMatch(entry.Key) || entry.Value.Contains("Password=", StringComparison.OrdinalIgnoreCase)
                          select $"ConfigMap/{m.Metadata.Name}: {entry.Key} looks secret; put it in a Secret");
        return problems;
    }

    /// <summary>
    /// RBAC beyond what Orleans' hosting needs: cluster-wide roles, rules on anything but pods or with other verbs,
    /// bindings to anything but a silo's service account, and API tokens mounted in pods that have no role.
    /// </summary>
    public static List<string> ExcessRbac(Manifests manifests)
    {
        var problems = new List<string>();
        problems.AddRange(manifests.OfType<V1ClusterRole>().Select(r => $"ClusterRole/{r.Metadata.Name}: no cluster-wide roles; a namespaced Role is enough"));
        problems.AddRange(manifests.OfType<V1ClusterRoleBinding>().Select(r => $"ClusterRoleBinding/{r.Metadata.Name}: no cluster-wide bindings"));
        foreach (var role in manifests.OfType<V1Role>())
        {
            foreach (var rule in role.Rules)
            {
                if (rule.ApiGroups?.SequenceEqual([""]) != true || rule.Resources?.SequenceEqual(["pods"]) != true || rule.ResourceNames is not null || rule.NonResourceURLs is not null)
                {
                    problems.Add($"Role/{role.Metadata.Name}: a rule on something other than pods of the core group");
                }

                problems.AddRange(rule.Verbs.Except(OrleansPodVerbs).Select(v => $"Role/{role.Metadata.Name}: verb '{v}' is more than Orleans' hosting needs"));
            }
        }

        var siloAccounts = SiloWorkloads(manifests).Select(w => w.Template.Spec.ServiceAccountName).ToHashSet();
        var boundAccounts = new HashSet<string?>();
        foreach (var binding in manifests.OfType<V1RoleBinding>())
        {
            if (binding.RoleRef.Kind != "Role")
            {
                problems.Add($"RoleBinding/{binding.Metadata.Name}: binds a {binding.RoleRef.Kind}, not a namespaced Role");
            }

            foreach (var subject in binding.Subjects ?? [])
            {
                boundAccounts.Add(subject.Name);
                if (subject.Kind != "ServiceAccount" || !siloAccounts.Contains(subject.Name))
                {
                    problems.Add($"RoleBinding/{binding.Metadata.Name}: subject {subject.Kind}/{subject.Name} is not a silo's service account");
                }
            }
        }

        problems.AddRange(from w in manifests.Workloads
                          where !boundAccounts.Contains(w.Template.Spec.ServiceAccountName) && w.Template.Spec.AutomountServiceAccountToken != false
                          select $"{w}: calls no Kubernetes API, so it should not mount a token (automountServiceAccountToken: false)");
        return problems;
    }

    /// <summary>
    /// Silos (containers with <c>Ainur__Cluster__Kubernetes=true</c>) without what Orleans' hosting reads: the pod's
    /// name, namespace and IP from the downward API, and pod labels equal to the configured service and cluster ids.
    /// </summary>
    public static List<string> MissingOrleansPodWiring(Manifests manifests)
    {
        var problems = new List<string>();
        var silos = SiloWorkloads(manifests).ToList();
        if (silos.Count == 0)
        {
            problems.Add("no silo workload (a container with Ainur__Cluster__Kubernetes=true)");
        }

        foreach (var w in silos)
        {
            var silo = w.Containers.First(IsSilo);
            foreach (var (name, field) in new[] { ("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace"), ("POD_IP", "status.podIP") })
            {
                if (silo.Env?.FirstOrDefault(e => e.Name == name)?.ValueFrom?.FieldRef?.FieldPath != field)
                {
                    problems.Add($"{w}: {name} must come from the downward API ({field})");
                }
            }

            var settings = manifests.Settings(silo);
            var labels = w.Template.Metadata.Labels ?? new Dictionary<string, string>();
            foreach (var (label, setting) in new[] { ("orleans/serviceId", "Ainur__Cluster__ServiceId"), ("orleans/clusterId", "Ainur__Cluster__ClusterId") })
            {
                if (!settings.TryGetValue(setting, out var configured) || !labels.TryGetValue(label, out var labelled) || configured != labelled)
                {
                    problems.Add($"{w}: pod label {label} must equal {setting}");
                }
            }
        }

        return problems;
    }

    /// <summary>Ainur processes whose graceful stop (DOTNET_shutdownTimeoutSeconds) does not end before the kubelet kills them.</summary>
    public static List<string> UngracefulShutdown(Manifests manifests)
    {
        var problems = new List<string>();
        foreach (var w in manifests.Workloads.Where(w => w.IsLongRunning))
        {
            var grace = w.Template.Spec.TerminationGracePeriodSeconds ?? 30;
            foreach (var c in w.Containers.Where(c => manifests.Settings(c).ContainsKey("Ainur__Mode")))
            {
                if (!manifests.Settings(c).TryGetValue("DOTNET_shutdownTimeoutSeconds", out var text) || !int.TryParse(text, out var timeout))
                {
                    problems.Add($"{w} container {c.Name}: set DOTNET_shutdownTimeoutSeconds (the host's graceful stop)");
                }
                else if (timeout >= grace)
                {
                    problems.Add($"{w} container {c.Name}: a {timeout} s graceful stop does not fit in terminationGracePeriodSeconds {grace}");
                }
            }
        }

        return problems;
    }

    /// <summary>Cluster-mode containers (<c>Ainur__Mode=Cluster</c>: silos and gateways), init containers included.</summary>
    public static IEnumerable<(Workload Workload, V1Container Container)> ClusterContainers(Manifests manifests) =>
        from w in manifests.Workloads
        from c in w.AllContainers
        where manifests.Settings(c).TryGetValue("Ainur__Mode", out var mode) && string.Equals(mode, "Cluster", StringComparison.OrdinalIgnoreCase)
        select (w, c);

    /// <summary>
    /// Cluster-mode containers that would exit 78 for want of a certificate: no <c>Ainur__Cluster__Tls__Directory</c>,
    /// or no read-only mount there of the Secret <see cref="ClusterTlsSecret"/>.
    /// </summary>
    public static List<string> MissingClusterTls(Manifests manifests)
    {
        var problems = new List<string>();
        var containers = ClusterContainers(manifests).ToList();
        if (containers.Count == 0)
        {
            problems.Add("no cluster-mode container (Ainur__Mode=Cluster)");
        }

        foreach (var (w, c) in containers)
        {
            if (!manifests.Settings(c).TryGetValue("Ainur__Cluster__Tls__Directory", out var directory))
            {
                problems.Add($"{w} container {c.Name}: set Ainur__Cluster__Tls__Directory to where Secret {ClusterTlsSecret} is mounted");
                continue;
            }

            var mount = c.VolumeMounts?.FirstOrDefault(m => m.MountPath.TrimEnd('/') == directory.TrimEnd('/'));
            var volume = w.Template.Spec.Volumes?.FirstOrDefault(v => v.Name == mount?.Name);
            if (mount is null || volume?.Secret?.SecretName != ClusterTlsSecret)
            {
                problems.Add($"{w} container {c.Name}: Secret {ClusterTlsSecret} is not mounted at {directory}");
            }
            else if (mount.ReadOnlyProperty != true)
            {
                problems.Add($"{w} container {c.Name}: mount {ClusterTlsSecret} read-only");
            }
            else if (volume.Secret.Items is { Count: > 0 } items && !ClusterTlsFiles.All(f => items.Any(i => i.Path == f)))
            {
                problems.Add($"{w} container {c.Name}: the mount of {ClusterTlsSecret} must hold {string.Join(", ", ClusterTlsFiles)}");
            }
        }

        return problems;
    }

    /// <summary>Anything that turns cluster TLS off: <c>Ainur:Cluster:Tls:Enabled</c> false in a ConfigMap, a container's env or its arguments.</summary>
    public static List<string> DisabledClusterTls(Manifests manifests)
    {
        var problems = new List<string>();
        problems.AddRange(from m in manifests.OfType<V1ConfigMap>()
                          from entry in m.Data ?? new Dictionary<string, string>()
                          where IsTlsSwitch(entry.Key) && !IsTrue(entry.Value)
                          select $"ConfigMap/{m.Metadata.Name}: {entry.Key}={entry.Value} turns cluster TLS off");
        problems.AddRange(from w in manifests.Workloads
                          from c in w.AllContainers
                          from e in c.Env ?? []
                          where IsTlsSwitch(e.Name) && !IsTrue(e.Value)
                          select $"{w} container {c.Name}: {e.Name} must not turn cluster TLS off");
        problems.AddRange(from w in manifests.Workloads
                          from c in w.AllContainers
                          from a in (c.Command ?? []).Concat(c.Args ?? [])
                          where TlsSwitch().IsMatch(a)
                          select $"{w} container {c.Name}: argument '{a}' sets cluster TLS; leave it on by default");
        return problems;
    }

    private static bool IsTlsSwitch(string name) => TlsSwitch().IsMatch(name);

    private static bool IsTrue(string? value) => bool.TryParse(value?.Trim(), out var on) && on;

    /// <summary>Selectors and references that point at nothing rendered: PDBs, HPAs, Services, ConfigMaps, service accounts.</summary>
    public static List<string> DanglingReferences(Manifests manifests)
    {
        var problems = new List<string>();
        var workloads = manifests.Workloads.ToList();
        bool Selects(IDictionary<string, string>? selector) =>
            selector is { Count: > 0 } && workloads.Any(w => selector.All(s => w.Template.Metadata.Labels?.TryGetValue(s.Key, out var v) == true && v == s.Value));

        problems.AddRange(from p in manifests.OfType<V1PodDisruptionBudget>()
                          where !Selects(p.Spec.Selector.MatchLabels)
                          select $"PodDisruptionBudget/{p.Metadata.Name} selects no pods");
        problems.AddRange(from s in manifests.OfType<V1Service>()
                          where !Selects(s.Spec.Selector)
                          select $"Service/{s.Metadata.Name} selects no pods");
        problems.AddRange(from s in manifests.OfType<V1Service>()
                          from port in s.Spec.Ports
                          where port.TargetPort?.Value is { } target && !int.TryParse(target, out _)
                                && !workloads.Any(w => w.Containers.Any(c => c.Ports?.Any(p => p.Name == target) == true))
                          select $"Service/{s.Metadata.Name}: target port '{port.TargetPort?.Value}' is no container's");
        problems.AddRange(from h in manifests.OfType<V2HorizontalPodAutoscaler>()
                          where !workloads.Any(w => w.Kind == h.Spec.ScaleTargetRef.Kind && w.Name == h.Spec.ScaleTargetRef.Name)
                          select $"HorizontalPodAutoscaler/{h.Metadata.Name} scales nothing rendered");
        problems.AddRange(from w in workloads
                          from c in w.AllContainers
                          from name in (c.EnvFrom ?? []).Select(e => e.ConfigMapRef?.Name).Concat((c.Env ?? []).Select(e => e.ValueFrom?.ConfigMapKeyRef?.Name))
                          where name is not null && manifests.ConfigMap(name) is null
                          select $"{w} container {c.Name}: ConfigMap {name} is not rendered");
        var accounts = manifests.OfType<V1ServiceAccount>().Select(a => a.Metadata.Name).ToHashSet();
        problems.AddRange(from w in workloads
                          where w.Template.Spec.ServiceAccountName is { } account && !accounts.Contains(account)
                          select $"{w}: service account {w.Template.Spec.ServiceAccountName} is not rendered");
        return problems;
    }

    /// <summary>The Secret keys the workloads read (secretKeyRef), and the Secrets they take whole (envFrom, volumes).</summary>
    public static (HashSet<(string Secret, string Key)> Keys, HashSet<string> Whole) SecretsRead(Manifests manifests)
    {
        var containers = manifests.Workloads.SelectMany(w => w.AllContainers).ToList();
        var keys = containers.SelectMany(c => c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef).OfType<V1SecretKeySelector>().Select(r => (r.Name, r.Key)).ToHashSet();
        var whole = containers.SelectMany(c => c.EnvFrom ?? []).Select(e => e.SecretRef?.Name).OfType<string>()
            .Concat(manifests.Workloads.SelectMany(w => w.Template.Spec.Volumes ?? []).Select(v => v.Secret?.SecretName).OfType<string>())
            .ToHashSet();
        return (keys, whole);
    }

    /// <summary>Workloads running a silo in Kubernetes mode.</summary>
    public static IEnumerable<Workload> SiloWorkloads(Manifests manifests) => manifests.Workloads.Where(w => w.Containers.Any(IsSilo));

    private static bool IsSilo(V1Container container) =>
        container.Env?.Any(e => e.Name == "Ainur__Cluster__Kubernetes" && string.Equals(e.Value, "true", StringComparison.OrdinalIgnoreCase)) == true;

    private static IEnumerable<string> WrongHttpProbe(Workload w, V1Container c, string kind, V1Probe probe, string path)
    {
        if (probe.HttpGet is not { } get || get.Path != path || get.Port?.Value != "http")
        {
            yield return $"{w} container {c.Name}: the {kind} probe must be GET {path} on port http";
        }
    }

    /// <summary>Whether an image reference names an exact version tag or a digest.</summary>
    public static bool IsPinned(string image)
    {
        if (Digest().IsMatch(image))
        {
            return true;
        }

        var name = image[(image.LastIndexOf('/') + 1)..];
        var colon = name.LastIndexOf(':');
        return colon > 0 && VersionTag().IsMatch(name[(colon + 1)..]);
    }

    [GeneratedRegex("@sha256:[0-9a-f]{64}$")]
    private static partial Regex Digest();

    // A version: digits first (1.2.3, 15.10-bookworm, 0.1.0-dev), so not latest, stable, dev or main.
    [GeneratedRegex(@"^v?[0-9]+(\.[0-9]+)+([-+][0-9A-Za-z.-]+)?$")]
    private static partial Regex VersionTag();

    // Ainur:Cluster:Tls:Enabled as a configuration key, an environment variable name or a command-line switch.
    [GeneratedRegex("Ainur(:|__)Cluster(:|__)Tls(:|__)Enabled", RegexOptions.IgnoreCase)]
    private static partial Regex TlsSwitch();

    [GeneratedRegex("password|secret|token|key|connectionstring", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
