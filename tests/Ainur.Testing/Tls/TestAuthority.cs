using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ainur.Testing.Tls;

/// <summary>
/// A certificate authority made by the test (ECDSA P-256, <see cref="CertificateRequest"/>), that issues node
/// certificates for cluster TLS and writes them where <c>Ainur:Cluster:Tls</c> settings point.
/// </summary>
public sealed class TestAuthority : IDisposable
{
    private static readonly Lazy<TestAuthority> s_cluster = new(() => Create("ainur-test-cluster-ca"));
    private static readonly Lazy<string> s_clusterSecret = new(() => s_cluster.Value.WriteSecret(s_cluster.Value.Issue("ainur-test-node")));

    private TestAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The authority every test cluster of this test process trusts.</summary>
    public static TestAuthority Cluster => s_cluster.Value;

    /// <summary>
    /// A folder laid out as a mounted Kubernetes TLS secret (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>) holding a node
    /// certificate of <see cref="Cluster"/>: what test silos and gateways run with (<c>Ainur:Cluster:Tls:Directory</c>).
    /// </summary>
    public static string ClusterSecret => s_clusterSecret.Value;

    /// <summary>The authority's own certificate, with its key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A new self-signed authority named <paramref name="name"/>, valid from an hour ago for 30 days (longer than any certificate it issues by default).</summary>
    public static TestAuthority Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return new TestAuthority(request.CreateSelfSigned(now.AddHours(-1), now.AddDays(30)));
    }

    /// <summary>
    /// A node certificate for <paramref name="name"/> (server and client authentication, loopback names), valid from
    /// <paramref name="notBefore"/> (an hour ago) to <paramref name="notAfter"/> (in a day; within the authority's life).
    /// </summary>
    public X509Certificate2 Issue(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(Certificate, notBefore ?? now.AddHours(-1), notAfter ?? now.AddDays(1).AddMinutes(-1), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Writes <paramref name="node"/> and this authority into a new folder as a Kubernetes TLS secret would be mounted
    /// (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>) and returns the folder.
    /// </summary>
    public string WriteSecret(X509Certificate2 node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var folder = Directory.CreateTempSubdirectory("ainur-test-tls-").FullName;
        File.WriteAllText(Path.Combine(folder, "tls.crt"), node.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "tls.key"), node.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        WriteAuthority(Path.Combine(folder, "ca.crt"));
        return folder;
    }

    /// <summary>Writes this authority's certificate (PEM, no key) to <paramref name="path"/>.</summary>
    public void WriteAuthority(string path) => File.WriteAllText(path, Certificate.ExportCertificatePem());

    /// <inheritdoc/>
    public void Dispose() => Certificate.Dispose();
}
