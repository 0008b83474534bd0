using System.Net;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Ledger.Storage;
using Ainur.Grains.Reputation;
using Ainur.Grains.Security;
using Ainur.Grains.Storage;
using Ainur.Grains.Telemetry;
using Ainur.Silo.Discovery;
using Ainur.Silo.Ledger;
using Ainur.Silo.Runtime;
using Ainur.Silo.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using Orleans.Serialization;
using Orleans.Storage;

namespace Ainur.Silo.Hosting;

/// <summary>Everything a silo of Ainur needs, shared by the silo host, the standalone gateway and the test clusters.</summary>
public static class AinurSiloBuilderExtensions
{
    private const string Invariant = "Npgsql";

    // Written on every task transition: group-committed, not one transaction per write. Stream pub-sub state is written
    // once per task too (each task's event stream registers its producer).
    private static readonly string[] HotPathStores = [AinurStores.Tasks, AinurStores.Escrows, AinurStores.Budgets, AinurStores.Reputation, AinurStores.PubSub];

    /// <summary>Configures clustering, storage, reminders and Ainur's services from the <c>Ainur</c> section.</summary>
    public static ISiloBuilder AddAinurSilo(this ISiloBuilder silo, IConfiguration configuration) =>
        silo.AddAinurSilo(AinurConfiguration.Read(configuration));

    /// <summary>Configures clustering, storage, reminders and Ainur's services from validated options.</summary>
    public static ISiloBuilder AddAinurSilo(this ISiloBuilder silo, AinurOptions options) =>
        silo.AddAinurSilo(options, configureClustering: true);

    /// <summary>
    /// As <see cref="AddAinurSilo(ISiloBuilder, AinurOptions)"/>; with <paramref name="configureClustering"/> false the
    /// host supplies membership and endpoints itself (Orleans' in-process test clusters, which own both), and
    /// <see cref="ClusterSettings"/> ports and <see cref="AinurOptions.Mode"/> are not used.
    /// </summary>
    public static ISiloBuilder AddAinurSilo(this ISiloBuilder silo, AinurOptions options, bool configureClustering)
    {
        silo.Services.AddSingleton(options);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddHostedService<StartupReport>();
        silo.AddAinurLedger(options);
        silo.AddAinurTasks(options);
        silo.AddAinurDiscovery(options);
        silo.AddAinurWasm(options);
        silo.Services.TryAddSingleton(new ReputationSettings { Replica = options.Reputation.Replica ?? options.Cluster.ServiceId });
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.Cluster.ClusterId;
            o.ServiceId = options.Cluster.ServiceId;
        });
        silo.Configure<ClusterMembershipOptions>(o => MembershipTuning.Apply(o, options.Cluster));

        // Grain calls continue the caller's trace (W3C trace context in the request context), tagged with the task id.
        silo.AddActivityPropagation();
        silo.AddIncomingGrainCallFilter<TaskTraceFilter>();
        silo.Services.CacheGrainInterfaceTypes();

        if (configureClustering)
        {
            UseClustering(silo, options);
        }

        if (options.Storage == AinurStorage.Postgres)
        {
            AddPostgresStorage(silo, options.Postgres);
        }
        else
        {
            silo.AddMemoryGrainStorage(AinurStores.Agents);
            silo.AddMemoryGrainStorage(AinurStores.Ledger);
            foreach (var store in HotPathStores)
            {
                silo.AddMemoryGrainStorage(store);
            }

            silo.UseInMemoryReminderService();
            silo.Services.TryAddSingleton<ISeenSignatureStore, InMemorySeenSignatureStore>();
            silo.Services.TryAddSingleton<ILedgerStore, InMemoryLedgerStore>();
        }

        return silo;
    }

    private static void UseClustering(ISiloBuilder silo, AinurOptions options)
    {
        if (options.Mode == AinurMode.Standalone)
        {
            silo.UseLocalhostClustering(options.Cluster.SiloPort, options.Cluster.GatewayPort, null, options.Cluster.ServiceId, options.Cluster.ClusterId);
            return;
        }

        if (options.Cluster.Kubernetes)
        {
            // Kubernetes hosting listens on every address. It would advertise POD_IP only when no address is set, and
            // Orleans' default (the machine's first address) is set before it looks: so the pod's IP is set here.
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = options.Cluster.SiloPort;
                o.GatewayPort = options.Cluster.GatewayPort;
                if (IPAddress.TryParse(Environment.GetEnvironmentVariable(KubernetesHostingOptions.PodIPEnvironmentVariable), out var podIp))
                {
                    o.AdvertisedIPAddress = podIp;
                }
            });
            silo.UseKubernetesHosting();
        }
        else
        {
            var address = options.Cluster.AdvertisedAddress is { } text ? IPAddress.Parse(text) : IPAddress.Loopback;
            silo.ConfigureEndpoints(address, options.Cluster.SiloPort, options.Cluster.GatewayPort, listenOnAnyHostAddress: options.Cluster.AdvertisedAddress is not null);
        }

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = options.Postgres.ConnectionString;
        });
        silo.UseAinurClusterTls(options.Cluster.Tls);
    }

    private static void AddPostgresStorage(ISiloBuilder silo, PostgresOptions postgres)
    {
        var connectionString = postgres.ConnectionString!;
        var adoNetStores = new[] { AinurStores.Agents, AinurStores.Ledger }.Concat(postgres.GroupCommit ? [] : HotPathStores);
        foreach (var store in adoNetStores)
        {
            silo.AddAdoNetGrainStorage(store, o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });

            // Orleans' own binary serializer writes type aliases, not CLR names, so stored state survives renames.
            silo.Services.AddOptions<AdoNetGrainStorageOptions>(store)
                .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        }

        foreach (var store in postgres.GroupCommit ? HotPathStores : [])
        {
            silo.AddAinurGroupCommitStorage(store, connectionString);
        }

        silo.AddIncomingGrainCallFilter<StorageUnavailableFilter>();
        silo.Services.Configure<ExceptionSerializationOptions>(DatabaseUnavailability.CarryDriverExceptions);
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            // Its statements are self-contained too (a per-task reminder, for lock-paid tasks, paid a DISCARD ALL each) and repeat.
            o.ConnectionString = StatementDataSource.ForStatements(connectionString);
        });
        silo.Services.TryAddSingleton(_ => StatementDataSource.Create(connectionString));
        AddPostgresSeenSignatureStore(silo.Services);
        silo.Services.TryAddSingleton<ILedgerStore, PostgresLedgerStore>();
    }

    /// <summary>
    /// Unless a seen-signature store is already registered: the PostgreSQL one, which group-commits on a loop of its
    /// own and so stops with the silo, after the grains that record signatures.
    /// </summary>
    private static void AddPostgresSeenSignatureStore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ISeenSignatureStore)))
        {
            return;
        }

        services.AddSingleton<PostgresSeenSignatureStore>();
        services.AddSingleton<ISeenSignatureStore>(provider => provider.GetRequiredService<PostgresSeenSignatureStore>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<PostgresSeenSignatureStore>());
    }
}
