using System.Security.Cryptography.X509Certificates;
using Ainur.Silo.Hosting;
using Ainur.Testing.Tls;

namespace Ainur.Gateway.Tests.Cluster;

/// <summary>The certificate files cluster TLS reads besides a secret folder: PKCS#12 with a password, PEM with a separate key.</summary>
public sealed class ClusterCredentialsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ainur-tls-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Pkcs12_LoadsWithItsPassword_AndNamesTheSettingWhenThePasswordIsWrong()
    {
        using var node = TestAuthority.Cluster.Issue("pfx-node");
        var pfx = Path.Combine(_folder, "node.pfx");
        File.WriteAllBytes(pfx, node.Export(X509ContentType.Pkcs12, "s3cret"));
        var authority = Path.Combine(_folder, "ca.crt");
        TestAuthority.Cluster.WriteAuthority(authority);

        var (loaded, problems) = ClusterCredentials.Load(new() { Certificate = pfx, Password = "s3cret", CaCertificate = authority }, asServer: true, TimeProvider.System);
        var (refused, wrong) = ClusterCredentials.Load(new() { Certificate = pfx, Password = "wrong", CaCertificate = authority }, asServer: true, TimeProvider.System);

        Assert.Empty(problems);
        Assert.Equal(node.Thumbprint, loaded!.Certificate.Thumbprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Null(refused);
        Assert.StartsWith("Ainur:Cluster:Tls:Certificate: cannot read", Assert.Single(wrong), StringComparison.Ordinal);
    }

    [Fact]
    public void Pem_WithItsKeyInAFileOfItsOwn_Loads_AndACertificateOfAnotherAuthorityDoesNot()
    {
        using var other = TestAuthority.Create("another-ca");
        var authority = Path.Combine(_folder, "ca.crt");
        TestAuthority.Cluster.WriteAuthority(authority);
        var member = TestAuthority.Cluster.WriteSecret(TestAuthority.Cluster.Issue("pem-node"));
        var foreign = other.WriteSecret(other.Issue("foreign-node"));

        var (loaded, problems) = ClusterCredentials.Load(
            new() { Certificate = Path.Combine(member, "tls.crt"), Key = Path.Combine(member, "tls.key"), CaCertificate = authority }, asServer: true, TimeProvider.System);
        var (refused, foreignProblems) = ClusterCredentials.Load(
            new() { Certificate = Path.Combine(foreign, "tls.crt"), Key = Path.Combine(foreign, "tls.key"), CaCertificate = authority }, asServer: true, TimeProvider.System);

        Assert.Empty(problems);
        Assert.Equal("CN=pem-node", loaded!.Certificate.Subject);
        Assert.Null(refused);
        Assert.Contains("it is not issued by the cluster's authority", Assert.Single(foreignProblems), StringComparison.Ordinal);
    }
}
