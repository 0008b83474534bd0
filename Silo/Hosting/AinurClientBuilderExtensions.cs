using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Ainur.Silo.Hosting;

/// <summary>An Orleans client of an Ainur cluster: what a gateway is in cluster mode.</summary>
public static class AinurClientBuilderExtensions
{
    /// <summary>How long a client waits for a grain call's answer before it fails with a <see cref="TimeoutException"/>.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Connects through the membership table in PostgreSQL, refreshing the list of live silos every two seconds.</summary>
    public static IClientBuilder AddAinurClient(this IClientBuilder client, IConfiguration configuration) =>
        client.AddAinurClient(AinurConfiguration.Read(configuration));

    /// <inheritdoc cref="AddAinurClient(IClientBuilder, IConfiguration)"/>
    public static IClientBuilder AddAinurClient(this IClientBuilder client, AinurOptions options)
    {
        client.Services.AddSingleton(options);
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.Cluster.ClusterId;
            o.ServiceId = options.Cluster.ServiceId;
        });
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
        client.AddActivityPropagation();
        client.Services.CacheGrainInterfaceTypes();

        // A request in flight to a silo that dies (kill -9) is never answered nor broken: the client waits out the
        // response timeout (Orleans' default 30 s, measured by the failover test). Five seconds lets the gateway's
        // GrainRetry resend it to a live silo within its ten-second budget; Ainur's grain calls take milliseconds.
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        client.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(DatabaseUnavailability.CarryDriverExceptions);
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = options.Postgres.ConnectionString;
        });
        client.UseAinurClusterTls(options.Cluster.Tls);
        return client;
    }
}
