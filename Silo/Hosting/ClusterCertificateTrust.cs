using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Ainur.Silo.Hosting;

/// <summary>
/// Whether a certificate belongs to the cluster: it chains to one of the configured authorities (and to nothing else:
/// the machine's trusted roots play no part) and is valid now. Host names are not checked: silos dial each other by
/// IP address, and the authority, issuing only to the cluster's nodes, is what admits a node.
/// </summary>
public sealed class ClusterCertificateTrust(X509Certificate2Collection authorities, TimeProvider time)
{
    /// <summary>The authorities peers' certificates must chain to.</summary>
    public X509Certificate2Collection Authorities { get; } = authorities;

    /// <summary>
    /// Null when <paramref name="certificate"/> is trusted, else why not. <paramref name="presented"/>, the chain the peer
    /// sent, lends its intermediate certificates.
    /// </summary>
    public string? Problem(X509Certificate2 certificate, X509Chain? presented = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = time.GetUtcNow().UtcDateTime;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"it is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not now ({now:u})");
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(certificate))
        {
            return null;
        }

        var statuses = chain.ChainStatus.Select(s => s.Status).Distinct().ToList();
        return statuses.Any(s => s is X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain)
            ? $"it is not issued by the cluster's authority ({string.Join("; ", Authorities.Select(a => a.Subject))})"
            : $"its chain to the cluster's authority is invalid ({string.Join(", ", statuses)})";
    }
}
