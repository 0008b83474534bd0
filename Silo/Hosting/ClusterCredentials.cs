using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ainur.Silo.Hosting;

/// <summary>What a process of the cluster needs for mutual TLS: its own certificate (with key) and the trust it checks peers by.</summary>
public sealed class ClusterCredentials
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private ClusterCredentials(X509Certificate2 certificate, ClusterCertificateTrust trust)
    {
        Certificate = certificate;
        Trust = trust;
    }

    /// <summary>This process's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>How peers' certificates are checked.</summary>
    public ClusterCertificateTrust Trust { get; }

    /// <summary>
    /// Loads the files <paramref name="settings"/> name and checks them: this process's certificate must have its key, be
    /// valid now, chain to the configured authority, and allow client authentication (and server authentication when
    /// <paramref name="asServer"/>: a silo both dials and accepts). Every problem is named, with the setting that fixes it.
    /// </summary>
    public static (ClusterCredentials? Credentials, IReadOnlyList<string> Problems) Load(ClusterTlsSettings settings, bool asServer, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.CertificatePath is not { } certificatePath || settings.CaCertificatePath is not { } authorityPath)
        {
            return (null, [
                "Cluster mode runs mutual TLS between silos and from gateways to silos, and no certificate is configured: set "
                + "Ainur:Cluster:Tls:Directory (a folder such as a mounted Kubernetes TLS secret, with tls.crt, tls.key and ca.crt), or "
                + "Ainur:Cluster:Tls:Certificate (PFX or PEM; Key and Password as needed) and Ainur:Cluster:Tls:CaCertificate. "
                + "Ainur:Cluster:Tls:Enabled=false sends cluster traffic unencrypted and unauthenticated (never outside a test machine).",
            ]);
        }

        var problems = new List<string>();
        var authorities = Read(problems, "Ainur:Cluster:Tls:CaCertificate", authorityPath, LoadAuthorities);
        var certificate = Read(problems, "Ainur:Cluster:Tls:Certificate", certificatePath, path => LoadCertificate(path, settings.KeyPath, settings.Password));
        if (authorities is { Count: 0 })
        {
            problems.Add($"Ainur:Cluster:Tls:CaCertificate: {authorityPath} holds no certificate.");
        }

        if (certificate is null || authorities is not { Count: > 0 })
        {
            return (null, problems);
        }

        var trust = new ClusterCertificateTrust(authorities, time);
        if (!certificate.HasPrivateKey)
        {
            problems.Add($"Ainur:Cluster:Tls:Certificate: {certificatePath} has no private key (PEM: add it to the file or set Ainur:Cluster:Tls:Key).");
        }

        if (trust.Problem(certificate) is { } problem)
        {
            problems.Add($"Ainur:Cluster:Tls:Certificate: this process's certificate ({certificate.Subject}) cannot join the cluster: {problem}.");
        }

        foreach (var (usage, name) in asServer ? [(ServerAuthentication, "server"), (ClientAuthentication, "client")] : new[] { (ClientAuthentication, "client") })
        {
            if (!AllowsUsage(certificate, usage))
            {
                problems.Add($"Ainur:Cluster:Tls:Certificate: {certificate.Subject} does not allow TLS {name} authentication (extended key usage).");
            }
        }

        return problems.Count == 0 ? (new ClusterCredentials(certificate, trust), problems) : (null, problems);
    }

    /// <summary>For the log: the certificate shown and the authorities trusted.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"this process shows {Certificate.Subject} ({Certificate.Thumbprint}, valid until {Certificate.NotAfter.ToUniversalTime():u}) and accepts peers issued by {string.Join("; ", Trust.Authorities.Select(a => a.Subject))}");

    private static T? Read<T>(List<string> problems, string setting, string path, Func<string, T> load)
        where T : class
    {
        if (!File.Exists(path))
        {
            problems.Add($"{setting}: no file at {Path.GetFullPath(path)}.");
            return null;
        }

        try
        {
            return load(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add($"{setting}: cannot read {Path.GetFullPath(path)}: {e.Message}");
            return null;
        }
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        if (File.ReadAllText(path).Contains("-----BEGIN", StringComparison.Ordinal))
        {
            authorities.ImportFromPemFile(path);
        }
        else
        {
            authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }

        return authorities;
    }

    private static X509Certificate2 LoadCertificate(string path, string? keyPath, string? password)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".pfx" or ".p12")
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }

        using var pem = string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(path, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);

        // A PEM-loaded key is ephemeral; some platforms' TLS stacks only use keys loaded from PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static bool AllowsUsage(X509Certificate2 certificate, string usage) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { } extension
        || extension.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == usage);
}
