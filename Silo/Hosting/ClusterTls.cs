using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Ainur.Silo.Hosting;

/// <summary>
/// Mutual TLS on a cluster's connections (Orleans.Connections.Security): silo to silo both ways, and gateway (Orleans
/// client) to silo. Each side shows its certificate and accepts the other's only if it chains to the configured
/// authority; a rejected peer is logged with the reason. Certificates are read once, at start.
/// </summary>
public static partial class ClusterTls
{
    /// <summary>The logger category of TLS reports and rejections.</summary>
    public const string LogCategory = "Ainur.ClusterTls";

    /// <summary>Secures a silo's inbound silo and gateway connections and its outbound silo connections.</summary>
    /// <exception cref="OptionsValidationException">TLS is on and the certificate or authority is missing or unusable.</exception>
    public static ISiloBuilder UseAinurClusterTls(this ISiloBuilder silo, ClusterTlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var credentials = Load(silo.Services, settings, asServer: true);
        if (credentials is not null)
        {
            silo.Services.AddOptions<SiloConnectionOptions>().Configure<ILoggerFactory>((o, loggers) =>
            {
                var tls = Options(credentials, loggers.CreateLogger(LogCategory));
                o.ConfigureSiloInboundConnection(c => c.UseServerTls(tls));
                o.ConfigureGatewayInboundConnection(c => c.UseServerTls(tls));
                o.ConfigureSiloOutboundConnection(c => c.UseClientTls(tls));
            });
        }

        return silo;
    }

    /// <summary>Secures an Orleans client's (a cluster gateway's) connections to silos.</summary>
    /// <exception cref="OptionsValidationException">TLS is on and the certificate or authority is missing or unusable.</exception>
    public static IClientBuilder UseAinurClusterTls(this IClientBuilder client, ClusterTlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(client);
        var credentials = Load(client.Services, settings, asServer: false);
        if (credentials is not null)
        {
            client.Services.AddOptions<ClientConnectionOptions>().Configure<ILoggerFactory>((o, loggers) =>
            {
                var tls = Options(credentials, loggers.CreateLogger(LogCategory));
                o.ConfigureConnection(c => c.UseClientTls(tls));
            });
        }

        return client;
    }

    private static ClusterCredentials? Load(IServiceCollection services, ClusterTlsSettings settings, bool asServer)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            services.AddHostedService(provider => new Report(null, provider.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory)));
            return null;
        }

        var (credentials, problems) = ClusterCredentials.Load(settings, asServer, TimeProvider.System);
        if (credentials is null)
        {
            throw new OptionsValidationException(AinurOptions.Section, typeof(ClusterTlsSettings), problems);
        }

        services.AddHostedService(provider => new Report(credentials, provider.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory)));
        return credentials;
    }

    private static TlsOptions Options(ClusterCredentials credentials, ILogger logger) => new()
    {
        LocalCertificate = credentials.Certificate,
        RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
        ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
        CheckCertificateRevocation = false,

        // Replaces the platform's verdict, which checks the machine's roots and a host name: see ClusterCertificateTrust.
        RemoteCertificateValidation = (certificate, chain, _) =>
        {
            if (credentials.Trust.Problem(certificate, chain) is not { } problem)
            {
                return true;
            }

            LogRejected(logger, certificate.Subject, certificate.Thumbprint, problem);
            return false;
        },
    };

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Cluster TLS: refused a peer's certificate {Subject} ({Thumbprint}): {Problem}")]
    private static partial void LogRejected(ILogger logger, string subject, string thumbprint, string problem);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information,
        Message = "Cluster TLS on: {Credentials}")]
    private static partial void LogOn(ILogger logger, ClusterCredentials credentials);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning,
        Message = "Cluster TLS is OFF (Ainur:Cluster:Tls:Enabled=false): silo and gateway traffic is unencrypted and any process that reaches the ports can join or call grains")]
    private static partial void LogOff(ILogger logger);

    /// <summary>Says at start whether cluster traffic is protected, and by which certificate.</summary>
    private sealed class Report(ClusterCredentials? credentials, ILogger logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (credentials is null)
            {
                LogOff(logger);
            }
            else
            {
                LogOn(logger, credentials);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
