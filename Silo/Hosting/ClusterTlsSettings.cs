namespace Ainur.Silo.Hosting;

/// <summary>
/// The <c>Ainur:Cluster:Tls</c> section: the certificate this process shows its peers and the authority it trusts
/// theirs from. Cluster mode only (a standalone node has no cluster traffic). Either name the files, or a folder that
/// holds them under the names of a Kubernetes TLS secret (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>); a file named
/// explicitly wins over the folder's.
/// </summary>
public sealed class ClusterTlsSettings
{
    /// <summary>The certificate file a mounted Kubernetes TLS secret holds.</summary>
    public const string SecretCertificate = "tls.crt";

    /// <summary>The private key file a mounted Kubernetes TLS secret holds.</summary>
    public const string SecretKey = "tls.key";

    /// <summary>The authority file a mounted Kubernetes TLS secret holds (cert-manager writes it).</summary>
    public const string SecretAuthority = "ca.crt";

    /// <summary>Mutual TLS on every silo and gateway connection (default true); false sends cluster traffic in clear.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A folder holding <c>tls.crt</c>, <c>tls.key</c> and <c>ca.crt</c>, e.g. a mounted Kubernetes secret.</summary>
    public string? Directory { get; set; }

    /// <summary>This process's certificate: PKCS#12 (<c>.pfx</c>, <c>.p12</c>) or PEM (with its key, or the key in <see cref="Key"/>).</summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="Certificate"/> kept in a file of its own.</summary>
    public string? Key { get; set; }

    /// <summary>The password of a PKCS#12 file or of an encrypted PEM key. A secret: pass it in the environment.</summary>
    public string? Password { get; set; }

    /// <summary>PEM file of the authority (or authorities) a peer's certificate must be issued by.</summary>
    public string? CaCertificate { get; set; }

    /// <summary>The certificate's path: <see cref="Certificate"/>, else the folder's <c>tls.crt</c>.</summary>
    public string? CertificatePath => Certificate ?? InDirectory(SecretCertificate);

    /// <summary>The key's path: <see cref="Key"/>, else the folder's <c>tls.key</c> when the certificate is the folder's too.</summary>
    public string? KeyPath => Key ?? (Certificate is null ? InDirectory(SecretKey) : null);

    /// <summary>The authority's path: <see cref="CaCertificate"/>, else the folder's <c>ca.crt</c>.</summary>
    public string? CaCertificatePath => CaCertificate ?? InDirectory(SecretAuthority);

    private string? InDirectory(string file) => string.IsNullOrWhiteSpace(Directory) ? null : Path.Combine(Directory, file);
}
