namespace Ainur.Deployment.Tests;

/// <summary>k8s/base alone: it renders, and it holds no secret value (the overlays add none either: see <see cref="OverlayTests"/>).</summary>
public sealed class BaseTests
{
    [Fact]
    public void Base_Rendered_HoldsNoSecretValue() => Assert.Empty(ManifestChecks.SecretLiterals(Manifests.Render("k8s/base")));

    [Fact]
    public void Base_Files_DeclareNoSecretObject()
    {
        // The rendering could hide a Secret behind a generator; the files themselves must not hold one either.
        var files = Directory.GetFiles(Tool.InRepository("k8s/base"), "*.yaml");

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.DoesNotContain("kind: Secret", File.ReadAllText(f), StringComparison.Ordinal));
        Assert.DoesNotContain("secretGenerator", File.ReadAllText(Tool.InRepository("k8s/base/kustomization.yaml")), StringComparison.Ordinal);
    }
}
