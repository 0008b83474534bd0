using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Budgets;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Gateway.Tests.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Fault;

/// <summary>
/// The fault suite's cluster: three silo processes and two gateway processes on loopback, clustered through the
/// membership table of a PostgreSQL server of its own (which a test restarts). Its clients and remote agents are
/// funded at genesis (a cluster has no faucet); each client has a budget. The ledger signs for the development chain
/// id, as the task helpers do. The fixture remembers every task any test made (its accounts are shared by the tests of
/// this class, one at a time), so the ledger is checked against all of them together.
/// </summary>
public sealed class FaultClusterFixture : IAsyncLifetime
{
    public const int SiloCount = 3;
    public const int GatewayCount = 2;
    public const long Grant = 1_000_000;
    public const long BudgetAmount = 100_000;
    public const long Price = 5;
    public const long Fee = 1; // 20 % of the price
    public const long Stake = TaskClient.MinStake;
    private const int ClientCount = 4;
    private const int AgentCount = 4;

    private readonly Dictionary<Did, Hash32> _budgets = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<Submission> _probes = new();
    private PostgresInstance? _postgres;
    private TestDatabase? _database;
    private ProcessCluster? _cluster;

    /// <summary>Silent clients' results stand 2 s; an agent that took a task and vanished loses it after 10 s.</summary>
    internal static Dictionary<string, string?> TaskSettings => new()
    {
        ["Ainur:Tasks:ExecutionTimeout"] = "00:00:10",
        ["Ainur:Tasks:ChallengeWindow"] = "00:00:02",
        ["Ainur:Tasks:ReminderPeriod"] = "00:00:05",
        ["Ainur:Tasks:MaxAttempts"] = "3",
        ["Ainur:Tasks:ProtocolFeeBps"] = "2000",
        ["Ainur:Tasks:MinStake"] = $"{Stake}",
    };

    internal ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    internal PostgresInstance Postgres => _postgres ?? throw new InvalidOperationException("not started");

    internal string ConnectionString => (_database ?? throw new InvalidOperationException("not started")).ConnectionString;

    internal string ClusterId { get; } = $"fault-{Guid.NewGuid():N}";

    /// <summary>The capability every agent offers (deterministic, so tasks may be accepted on result).</summary>
    internal string Capability { get; } = TaskClient.NewCapability();

    internal IReadOnlyList<AgentKey> Clients { get; private set; } = [];

    internal IReadOnlyList<AgentKey> Agents { get; private set; } = [];

    internal AgentKey Treasury { get; private set; } = null!;

    /// <summary>Every task that exists, by id, as it ended; filled by <see cref="FaultChecks"/>.</summary>
    internal Dictionary<Hash32, TaskOutcome> Outcomes { get; } = [];

    /// <summary>Submissions that were not answered 202 and whose task does not exist; filled by <see cref="FaultChecks"/>.</summary>
    internal List<Submission> NeverMade { get; } = [];

    /// <summary>
    /// Tasks a test gave up waiting for (not closed within the bound): the next test's checks wait for them again and
    /// count them, so one slow task fails its own test, not the ledger check of every test after it.
    /// </summary>
    internal List<Submission> Unfinished { get; } = [];

    /// <summary>One client for the load and the checks, for any gateway (requests carry absolute addresses).</summary>
    internal HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

    internal Hash32 BudgetOf(AgentKey client) => _budgets[client.Did];

    /// <summary>Gateway <paramref name="index"/> as it runs now (a replaced gateway has a new address).</summary>
    internal GatewayProcess Gateway(int index) => Cluster.Gateways[index];

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Clients = [.. Enumerable.Range(0, ClientCount).Select(i => LedgerSecrets.Account(ClusterId, $"client-{i}"))];
        Agents = [.. Enumerable.Range(0, AgentCount).Select(i => LedgerSecrets.Account(ClusterId, $"agent-{i}"))];
        Treasury = LedgerSecrets.Account(ClusterId, "treasury");

        _postgres = await PostgresInstance.LaunchAsync(ct);
        _database = await TestDatabase.CreateAsync(_postgres.AdminConnectionString, ct);
        var silo = new Dictionary<string, string?>(TaskSettings)
        {
            // Two cores run five processes, PostgreSQL and the load (and, in CI, other test apps): a silo that stalls for
            // two seconds must not be declared dead, least of all while it joins. Death is declared in about 6 s.
            ["Ainur:Cluster:ProbeTimeout"] = "00:00:02",
            ["Ainur:Cluster:MissedProbesLimit"] = "3",
            ["Ainur:Ledger:ChainId"] = LedgerCalls.ChainId,
            ["Ainur:Ledger:Treasury"] = Treasury.Did.Value,
        };
        foreach (var (key, i) in Clients.Concat(Agents).Select((k, i) => (k, i)))
        {
            silo[$"Ainur:Ledger:Allocations:{i}:Account"] = key.Did.Value;
            silo[$"Ainur:Ledger:Allocations:{i}:Amount"] = Grant.ToString(CultureInfo.InvariantCulture);
        }

        // Schema checks get seconds, not the default half second: a starved gateway would refuse valid inputs (422).
        var gateway = new Dictionary<string, string?>(TaskSettings) { ["Ainur:Gateway:SchemaCheckMilliseconds"] = "5000" };
        _cluster = await ProcessCluster.StartAsync(_database.ConnectionString, ClusterId, silo, ct, SiloCount, GatewayCount, gateway);
        // Waiting up to 30 s for each to be final: a new cluster's validators may take a while to activate on two cores.
        var tasks = new TaskClient(Gateway(0));
        foreach (var agent in Agents)
        {
            var stake = SignedTransaction.Sign(new Stake(agent.Did, Stake, 1), agent, LedgerCalls.ChainId);
            await HttpAssert.JsonAsync(await tasks.Ledger.PostAsync(agent, "/v1/stake", LedgerCalls.SubmitBody(stake.Encoded.Span), "?wait=30"), HttpStatusCode.OK);
            using var registered = await tasks.RegisterAsync(agent, Capability, """{"type":"object"}""", Price, deterministic: true);
            // 200: the gateway retried a registration whose first try outlasted its call timeout on a cold cluster.
            Assert.True(registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"registration answered {registered.StatusCode}");
        }

        var budgets = new BudgetCalls(tasks.Ledger);
        foreach (var client in Clients)
        {
            var open = await budgets.OpenTxAsync(client, BudgetAmount);
            await HttpAssert.JsonAsync(await tasks.Ledger.PostAsync(client, "/v1/budgets", LedgerCalls.SubmitBody(open.Encoded.Span), "?wait=30"), HttpStatusCode.Created);
            _budgets[client.Did] = ((BudgetOpen)open.Body).BudgetId;
        }
    }

    /// <summary>
    /// Polls until the cluster serves fully again: every silo process runs and the membership table lists exactly them
    /// as active, both gateways are ready, all validators answer, and a task sent through each gateway settles.
    /// </summary>
    internal async Task WaitForFullServiceAsync(TimeSpan limit, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var last = "not checked yet";
        while (started.Elapsed < limit)
        {
            try
            {
                last = await FullServiceProblemAsync(ct) ?? "";
                if (last.Length == 0)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Npgsql.NpgsqlException or InvalidOperationException or JsonException
                && !ct.IsCancellationRequested)
            {
                last = e.GetType().Name + ": " + e.Message;
            }

            await Task.Delay(250, ct);
        }

        throw new InvalidOperationException($"not back to full service within {limit.TotalSeconds:F0} s: {last}");
    }

    /// <summary>What keeps the cluster from full service, or null.</summary>
    private async Task<string?> FullServiceProblemAsync(CancellationToken ct)
    {
        if (Cluster.Silos.FirstOrDefault(s => s.HasExited) is { } exited)
        {
            return $"{exited.Name} exited";
        }

        var active = await ClusterMembership.CountActiveAsync(ConnectionString, ClusterId, ct);
        if (active != SiloCount)
        {
            return $"{active} silos active";
        }

        for (var g = 0; g < GatewayCount; g++)
        {
            using var ready = await Http.GetAsync(new Uri(Gateway(g).Address, "/readyz"), ct);
            if (!ready.IsSuccessStatusCode)
            {
                return $"gateway {g} /readyz {(int)ready.StatusCode}";
            }
        }

        using (var validators = JsonDocument.Parse(await Http.GetStringAsync(new Uri(Gateway(0).Address, "/v1/ledger/validators"), ct)))
        {
            var offline = validators.RootElement.GetProperty("validators").EnumerateArray().Count(v => !v.GetProperty("online").GetBoolean());
            if (offline > 0)
            {
                return $"{offline} validators offline";
            }
        }

        // A probe per gateway, paid from the first client's budget and accepted on result: the agents of the load serve it.
        var probes = new List<(int Gateway, TaskDraft Draft)>();
        for (var g = 0; g < GatewayCount; g++)
        {
            var draft = NewDraft(Clients[0]);
            using var submitted = await Http.SendAsync(SubmitRequest(g, draft, fromBudget: true), ct);
            if (submitted.StatusCode != HttpStatusCode.Accepted)
            {
                return $"probe through gateway {g}: {(int)submitted.StatusCode}";
            }

            _probes.Enqueue(new Submission(draft, FromBudget: true, g, TimeSpan.Zero, TimeSpan.Zero, 202, null, "probe"));
            probes.Add((g, draft));
        }

        var deadline = Stopwatch.StartNew();
        foreach (var (g, draft) in probes)
        {
            while (true)
            {
                using var view = JsonDocument.Parse(await Http.GetStringAsync(new Uri(Gateway(g).Address, $"/v1/tasks/{draft.Id}"), ct));
                if (view.RootElement.GetProperty("state").GetString() == "settled")
                {
                    break;
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(15))
                {
                    return $"probe {draft.Id} through gateway {g} is {view.RootElement.GetProperty("state").GetString()} after 15 s";
                }

                await Task.Delay(100, ct);
            }
        }

        return null;
    }

    /// <summary>The probe tasks sent since the last call: they are checked and count in the ledger like any other.</summary>
    internal List<Submission> TakeProbes()
    {
        var taken = new List<Submission>();
        while (_probes.TryDequeue(out var probe))
        {
            taken.Add(probe);
        }

        return taken;
    }

    /// <summary>A task for <see cref="Capability"/> with the default maxPrice (8) and a deadline ten minutes ahead.</summary>
    internal TaskDraft NewDraft(AgentKey client) => TaskDraft.For(client, Capability, """{"n":1}""");

    /// <summary>
    /// The signed submission of <paramref name="draft"/> through gateway <paramref name="gateway"/>: from the client's
    /// budget, accepted on result; or paid by its own lock, and the client stays silent through the challenge window.
    /// </summary>
    internal HttpRequestMessage SubmitRequest(int gateway, TaskDraft draft, bool fromBudget) =>
        Testing.Http.RequestSigner.SignedPost(
            draft.Client,
            Gateway(gateway).Address,
            "/v1/tasks",
            fromBudget ? (draft with { Accept = "on-result" }).BudgetBody(BudgetOf(draft.Client)) : draft.Body());

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}

/// <summary>How a task ended: its client, its agent (if it had one), whether a budget paid it, its state and price.</summary>
internal sealed record TaskOutcome(Did Client, Did? Agent, bool FromBudget, string State, long Price);
