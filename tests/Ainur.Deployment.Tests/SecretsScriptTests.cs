using k8s.Models;

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

    // The Secret holds the setting's text: an Ed25519 seed in base64.
    private static int SeedLength(byte[] setting) => Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(setting)).Length;

    private static Dictionary<string, V1Secret> Generate(string ns, int validators) =>
        Manifests.Parse(Tool.RunScript("k8s-secrets.sh", ns, validators.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .OfType<V1Secret>().ToDictionary(s => s.Metadata.Name);
}
