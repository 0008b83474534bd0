using Ainur.Silo.Hosting;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Ainur.Deployment.Tests;

/// <summary>scripts/k8s-secrets.sh makes every Secret and key the overlays read, with fresh values each run.</summary>
public sealed class SecretsScriptTests
{
    [Theory]
    [MemberData(nameof(OverlayTests.Overlays), MemberType = typeof(OverlayTests))]
    public void Script_Secrets_CoverEveryKeyTheOverlayReads(string overlay)
    {
        var manifests = Manifests.Render(overlay);
        var validators = int.Parse(
            manifests.OfType<V1ConfigMap>().Select(c => c.Data).Single(d => d?.ContainsKey("Ainur__Ledger__Validators") == true)!["Ainur__Ledger__Validators"],
            System.Globalization.CultureInfo.InvariantCulture);
        var secrets = Generate("ainur-test", validators);

        var (keys, whole) = ManifestChecks.SecretsRead(manifests);
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(secrets.TryGetValue(k.Secret, out var s) && s.Data.ContainsKey(k.Key), $"the script makes no {k.Secret}/{k.Key}"));
        Assert.All(whole, name => Assert.True(secrets.ContainsKey(name), $"the script makes no Secret {name}"));
        var ledger = secrets["ainur-ledger-keys"].Data;
        Assert.All(Enumerable.Range(0, validators), i => Assert.Equal(32, SeedLength(ledger[$"Ainur__Ledger__ValidatorKeys__{i}"])));
        Assert.Equal(32, SeedLength(ledger["Ainur__Ledger__OrchestratorKey"]));
    }

    [Fact]
    public void Script_TwoRuns_DrawDifferentValues()
    {
        var first = Generate("ainur-test", 1);
        var second = Generate("ainur-test", 1);

        Assert.NotEqual(first["ainur-postgres"].Data["password"], second["ainur-postgres"].Data["password"]);
        Assert.NotEqual(first["ainur-ledger-keys"].Data["Ainur__Ledger__ValidatorKeys__0"], second["ainur-ledger-keys"].Data["Ainur__Ledger__ValidatorKeys__0"]);
        Assert.All(first.Values, s => Assert.Equal("ainur-test", s.Metadata.NamespaceProperty));
    }

    [Fact]
    public void Script_ClusterTlsSecret_PassesTheChecksSilosAndGatewaysMakeAtStart()
    {
        var secret = Generate("ainur-test", 1)[ManifestChecks.ClusterTlsSecret];

        Assert.Equal("kubernetes.io/tls", secret.Type);
        Assert.Equal(ManifestChecks.ClusterTlsFiles.Order(StringComparer.Ordinal), secret.Data.Keys.Order(StringComparer.Ordinal));
        var folder = Mount(secret);
        try
        {
            // The silo's own loading code: key present, valid now, chains to ca.crt, server and client authentication.
            foreach (var asServer in new[] { true, false })
            {
                var (credentials, problems) = ClusterCredentials.Load(new ClusterTlsSettings { Directory = folder }, asServer, TimeProvider.System);
                Assert.Empty(problems);
                Assert.NotNull(credentials);
            }

            // Valid for the 365 days the script promises, and no longer.
            Assert.Empty(LoadAt(folder, DateTimeOffset.UtcNow.AddDays(364)));
            Assert.Contains(LoadAt(folder, DateTimeOffset.UtcNow.AddDays(366)), p => p.Contains("not now", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Script_ClusterTls_IsAFreshAuthorityEachRun()
    {
        var first = Mount(Generate("ainur-test", 1)[ManifestChecks.ClusterTlsSecret]);
        var second = Mount(Generate("ainur-test", 1)[ManifestChecks.ClusterTlsSecret]);
        try
        {
            // One run's certificate is refused by another run's authority: the authority is made, not shipped.
            var settings = new ClusterTlsSettings { Directory = first, CaCertificate = Path.Combine(second, ClusterTlsSettings.SecretAuthority) };
            var (credentials, problems) = ClusterCredentials.Load(settings, asServer: true, TimeProvider.System);

            Assert.Null(credentials);
            Assert.Contains(problems, p => p.Contains("not issued by the cluster's authority", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(first, recursive: true);
            Directory.Delete(second, recursive: true);
        }
    }

    private static IReadOnlyList<string> LoadAt(string folder, DateTimeOffset now) =>
        ClusterCredentials.Load(new ClusterTlsSettings { Directory = folder }, asServer: true, new FakeTimeProvider(now)).Problems;

    // The Secret's files in a new folder, as the kubelet mounts them.
    private static string Mount(V1Secret secret)
    {
        var folder = Directory.CreateTempSubdirectory("ainur-k8s-tls-").FullName;
        foreach (var (name, content) in secret.Data)
        {
            File.WriteAllBytes(Path.Combine(folder, name), content);
        }

        return folder;
    }

    // The Secret holds the setting's text: an Ed25519 seed in base64.
    private static int SeedLength(byte[] setting) => Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(setting)).Length;

    private static Dictionary<string, V1Secret> Generate(string ns, int validators) =>
        Manifests.Parse(Tool.RunScript("k8s-secrets.sh", ns, validators.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .OfType<V1Secret>().ToDictionary(s => s.Metadata.Name);
}
