using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Ainur.Silo.Hosting;

/// <summary>An Orleans client of an Ainur cluster: what a gateway is in cluster mode.</summary>
public static class AinurClientBuilderExtensions
{
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
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = options.Postgres.ConnectionString;
        });
        return client;
    }
}
