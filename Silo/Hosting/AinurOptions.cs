namespace Ainur.Silo.Hosting;

/// <summary>How a process takes part in the cluster.</summary>
public enum AinurMode
{
    /// <summary>One process: the gateway co-hosts a silo. What the quick start runs.</summary>
    Standalone = 0,

    /// <summary>Silo processes find each other through the membership table in PostgreSQL; gateways are Orleans clients.</summary>
    Cluster = 1,
}

/// <summary>Where grain state, reminders and the replay guard live.</summary>
public enum AinurStorage
{
    /// <summary>PostgreSQL through Orleans' ADO.NET providers: durable. The default.</summary>
    Postgres = 0,

    /// <summary>Process memory: lost on restart. Explicit opt-in for experiments; logged as not durable.</summary>
    Memory = 1,
}

/// <summary>The <c>Ainur</c> configuration section shared by silos and gateways (appsettings or <c>Ainur__*</c> variables).</summary>
public sealed class AinurOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Ainur";

    /// <summary>Standalone (default) or cluster.</summary>
    public AinurMode Mode { get; set; } = AinurMode.Standalone;

    /// <summary>Postgres (default) or memory.</summary>
    public AinurStorage Storage { get; set; } = AinurStorage.Postgres;

    /// <summary>PostgreSQL settings.</summary>
    public PostgresOptions Postgres { get; set; } = new();

    /// <summary>Cluster identity and endpoints.</summary>
    public ClusterSettings Cluster { get; set; } = new();

    /// <summary>The ledger: chain id, validators and their keys, genesis, batching, timeouts.</summary>
    public LedgerOptions Ledger { get; set; } = new();

    /// <summary>Task rules (attempts, deadlines, fees, bonds, stake) and request limits.</summary>
    public TaskOptions Tasks { get; set; } = new();

    /// <summary>Reputation: this cluster's replica id.</summary>
    public ReputationOptions Reputation { get; set; } = new();

    /// <summary>Discovery: presence TTL, match threshold, load sharing, query cache.</summary>
    public DiscoveryOptions Discovery { get; set; } = new();
    /// <summary>Hosted WebAssembly agents: the executor's limits and the ARI's operator token (docs/ari.md).</summary>
    public Grains.Runtime.WasmSettings Wasm { get; set; } = new();

    /// <summary>
    /// Orleans' dashboard at <c>/dashboard</c> on a standalone (development) node: on unless false. Cluster mode refuses
    /// true: the dashboard is unauthenticated and profiles every grain call.
    /// </summary>
    public bool? Dashboard { get; set; }

    /// <summary>Whether this process serves the Orleans dashboard.</summary>
    public bool DashboardEnabled => Mode == AinurMode.Standalone && Dashboard != false;

    /// <summary>
    /// The folder of this node's own files: a standalone node keeps its generated development keys there
    /// (<c>node-keys.json</c>). Relative paths are from the current directory; default <c>.data</c>.
    /// </summary>
    public string? DataDir { get; set; }

    /// <summary><see cref="DataDir"/> as a full path.</summary>
    public string DataDirectory => Path.GetFullPath(string.IsNullOrWhiteSpace(DataDir) ? ".data" : DataDir);

    /// <summary>Whether anything durable is configured, i.e. what a restart keeps.</summary>
    public bool IsDurable => Storage == AinurStorage.Postgres;

    /// <summary>Whether this configuration needs a PostgreSQL connection.</summary>
    public bool NeedsPostgres => Storage == AinurStorage.Postgres || Mode == AinurMode.Cluster;
}

/// <summary>The <c>Ainur:Postgres</c> section.</summary>
public sealed class PostgresOptions
{
    /// <summary>Npgsql connection string. A secret: comes from the environment (<c>Ainur__Postgres__ConnectionString</c>), never the repository.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending schema migrations when the process starts (default true).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// Write the hot-path grain state (tasks, escrows, reputation) through the group-commit store (default true); false
    /// uses Orleans' ADO.NET provider for them too: one transaction per write, for comparison and as a fallback.
    /// </summary>
    public bool GroupCommit { get; set; } = true;
}

/// <summary>The <c>Ainur:Cluster</c> section.</summary>
public sealed class ClusterSettings
{
    /// <summary>Orleans ClusterId: silos with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "ainur";

    /// <summary>Orleans ServiceId: keys stored state, so it must stay the same across deployments.</summary>
    public string ServiceId { get; set; } = "ainur";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (gateways in cluster mode) connect to; 0 for a silo that accepts no clients.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The IP address other silos reach this one at; loopback when unset.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Silos run as Kubernetes pods (cluster mode): Orleans' Kubernetes hosting names each silo after its pod, advertises
    /// the pod's IP (environment POD_NAME, POD_NAMESPACE, POD_IP from the downward API) and declares a silo dead as
    /// soon as its pod is deleted, instead of waiting for missed probes. Membership stays in PostgreSQL.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>TLS between silos and from gateways to silos (cluster mode only).</summary>
    public ClusterTlsSettings Tls { get; set; } = new();

    /// <summary>How long a silo waits for another's answer to a liveness probe before counting it missed. Default 1 s.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Probes missed in a row after which a silo declares the other dead. Default 2.</summary>
    public int MissedProbesLimit { get; set; } = 2;
}
