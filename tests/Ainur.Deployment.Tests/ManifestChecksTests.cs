namespace Ainur.Deployment.Tests;

/// <summary>Each check catches what it names: a manifest that breaks the rule gets a problem, so a passing overlay means something.</summary>
public sealed class ManifestChecksTests
{
    private const string Silo = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: silo}
        spec:
          selector: {matchLabels: {app: silo}}
          template:
            metadata: {labels: {app: silo, orleans/serviceId: ainur, orleans/clusterId: ainur}}
            spec:
              serviceAccountName: silo
              terminationGracePeriodSeconds: 60
              containers:
              - name: silo
                image: IMAGE
                ports: [{name: http, containerPort: 8080}]
                env:
                - {name: Ainur__Mode, value: Cluster}
                - {name: Ainur__Cluster__ServiceId, value: ainur}
                - {name: Ainur__Cluster__ClusterId, value: ainur}
                - {name: Ainur__Cluster__Kubernetes, value: "true"}
                - {name: DOTNET_shutdownTimeoutSeconds, value: "45"}
                - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                - {name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                - {name: Ainur__Cluster__Tls__Directory, value: /etc/tls}
                readinessProbe: {httpGet: {path: /readyz, port: http}}
                livenessProbe: {httpGet: {path: /healthz, port: http}}
                resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 256Mi}}
                volumeMounts: [{name: tls, mountPath: /etc/tls, readOnly: true}]
              volumes: [{name: tls, secret: {secretName: ainur-cluster-tls}}]
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: silo}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: pods}
        rules:
        - {apiGroups: [""], resources: [pods], verbs: [get, list, watch, patch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: pods}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods}
        subjects: [{kind: ServiceAccount, name: silo}]
        """;

    [Fact]
    public void Sample_AsWritten_PassesEveryCheck()
    {
        var manifests = Sample();

        Assert.Empty(ManifestChecks.UnpinnedImages(manifests));
        Assert.Empty(ManifestChecks.MissingProbes(manifests));
        Assert.Empty(ManifestChecks.MissingResources(manifests));
        Assert.Empty(ManifestChecks.SecretLiterals(manifests));
        Assert.Empty(ManifestChecks.ExcessRbac(manifests));
        Assert.Empty(ManifestChecks.MissingOrleansPodWiring(manifests));
        Assert.Empty(ManifestChecks.UngracefulShutdown(manifests));
        Assert.Empty(ManifestChecks.DanglingReferences(manifests));
        Assert.Empty(ManifestChecks.MissingClusterTls(manifests));
        Assert.Empty(ManifestChecks.DisabledClusterTls(manifests));
    }

    [Theory]
    [InlineData("ainur/silo:latest")]
    [InlineData("ainur/silo")]
    [InlineData("ainur/silo:dev")]
    [InlineData("registry:5000/ainur/silo")]
    public void Image_WithoutVersionOrDigest_IsUnpinned(string image) => Assert.NotEmpty(ManifestChecks.UnpinnedImages(Sample(image: image)));

    [Theory]
    [InlineData("registry:5000/ainur/silo:0.1.0")]
    [InlineData("ainur/silo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Image_WithVersionOrDigest_IsPinned(string image) => Assert.Empty(ManifestChecks.UnpinnedImages(Sample(image: image)));

    [Fact]
    public void Probe_Missing_IsFound() => Assert.NotEmpty(ManifestChecks.MissingProbes(Sample(("        readinessProbe: {httpGet: {path: /readyz, port: http}}\n", ""))));

    [Fact]
    public void Probe_OnTheWrongPath_IsFound() => Assert.NotEmpty(ManifestChecks.MissingProbes(Sample(("path: /healthz", "path: /"))));

    [Fact]
    public void Resources_WithoutLimits_AreFound() => Assert.NotEmpty(ManifestChecks.MissingResources(Sample((", limits: {cpu: \"1\", memory: 256Mi}", ""))));

    [Theory]
    [InlineData("- {name: Ainur__Postgres__ConnectionString, value: \"Host=db;Password=hunter2\"}")]
    [InlineData("- {name: Ainur__Ledger__OrchestratorKey, value: c2VlZA==}")]
    public void Secret_AsALiteralEnvValue_IsFound(string variable) =>
        Assert.NotEmpty(ManifestChecks.SecretLiterals(Sample(("        - {name: Ainur__Mode, value: Cluster}\n", $"        - {{name: Ainur__Mode, value: Cluster}}\n        {variable}\n"))));

    [Fact]
    public void Secret_ObjectWithData_IsFound() =>
        Assert.NotEmpty(ManifestChecks.SecretLiterals(Manifests.Parse(Silo.Replace("IMAGE", "a/b:1.0", StringComparison.Ordinal) + "\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2}\n")));

    [Theory]
    [InlineData("verbs: [get, list, watch, patch]", "verbs: [get, list, watch, patch, delete]")]
    [InlineData("resources: [pods]", "resources: [pods, secrets]")]
    [InlineData("kind: Role\n", "kind: ClusterRole\n")]
    [InlineData("subjects: [{kind: ServiceAccount, name: silo}]", "subjects: [{kind: ServiceAccount, name: default}]")]
    public void Rbac_BeyondPodsForTheSilo_IsFound(string from, string to) => Assert.NotEmpty(ManifestChecks.ExcessRbac(Sample((from, to))));

    [Fact]
    public void Rbac_PodWithoutRoleMountingAToken_IsFound() =>
        Assert.NotEmpty(ManifestChecks.ExcessRbac(Sample(("subjects: [{kind: ServiceAccount, name: silo}]", "subjects: []"))));

    [Theory]
    [InlineData("fieldPath: status.podIP", "fieldPath: status.hostIP")]
    [InlineData("orleans/clusterId: ainur}", "orleans/clusterId: blue}")]
    public void Orleans_PodWiringWrong_IsFound(string from, string to) => Assert.NotEmpty(ManifestChecks.MissingOrleansPodWiring(Sample((from, to))));

    [Fact]
    public void Shutdown_LongerThanTheGracePeriod_IsFound() =>
        Assert.NotEmpty(ManifestChecks.UngracefulShutdown(Sample(("terminationGracePeriodSeconds: 60", "terminationGracePeriodSeconds: 30"))));

    [Fact]
    public void Reference_ToAMissingServiceAccount_IsFound() =>
        Assert.NotEmpty(ManifestChecks.DanglingReferences(Sample(("serviceAccountName: silo", "serviceAccountName: gone"))));

    [Theory]
    [InlineData("        - {name: Ainur__Cluster__Tls__Directory, value: /etc/tls}\n", "")]
    [InlineData("value: /etc/tls}", "value: /etc/other}")]
    [InlineData("readOnly: true", "readOnly: false")]
    [InlineData("secretName: ainur-cluster-tls", "secretName: some-other-tls")]
    [InlineData("secret: {secretName: ainur-cluster-tls}", "secret: {secretName: ainur-cluster-tls, items: [{key: tls.crt, path: tls.crt}]}")]
    [InlineData("volumeMounts: [{name: tls, mountPath: /etc/tls, readOnly: true}]", "volumeMounts: []")]
    public void ClusterTls_NotMountedWhereTheDirectorySays_IsFound(string from, string to) =>
        Assert.NotEmpty(ManifestChecks.MissingClusterTls(Sample((from, to))));

    [Theory]
    [InlineData("- {name: Ainur__Cluster__Tls__Enabled, value: \"false\"}")]
    [InlineData("- {name: Ainur__Cluster__Tls__Enabled, value: \"False\"}")]
    [InlineData("- {name: AINUR__CLUSTER__TLS__ENABLED, value: \"no\"}")]
    public void ClusterTls_TurnedOffInTheEnvironment_IsFound(string variable) =>
        Assert.NotEmpty(ManifestChecks.DisabledClusterTls(Sample(("        - {name: Ainur__Mode, value: Cluster}\n", $"        - {{name: Ainur__Mode, value: Cluster}}\n        {variable}\n"))));

    [Fact]
    public void ClusterTls_TurnedOffByAnArgument_IsFound() =>
        Assert.NotEmpty(ManifestChecks.DisabledClusterTls(Sample(("        image: ", "        args: [\"--Ainur:Cluster:Tls:Enabled=false\"]\n        image: "))));

    [Fact]
    public void ClusterTls_TurnedOffInAConfigMap_IsFound() =>
        Assert.NotEmpty(ManifestChecks.DisabledClusterTls(Manifests.Parse(
            Silo.Replace("IMAGE", "a/b:1.0", StringComparison.Ordinal) + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {Ainur__Cluster__Tls__Enabled: \"false\"}\n")));

    private static Manifests Sample(params (string From, string To)[] edits) => Sample("ainur/silo:0.1.0", edits);

    private static Manifests Sample(string image, params (string From, string To)[] edits)
    {
        var yaml = Silo.Replace("IMAGE", image, StringComparison.Ordinal);
        foreach (var (from, to) in edits)
        {
            Assert.Contains(from, yaml, StringComparison.Ordinal);
            yaml = yaml.Replace(from, to, StringComparison.Ordinal);
        }

        return Manifests.Parse(yaml);
    }
}
