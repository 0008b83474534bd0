using System.Collections.Immutable;
using System.Text;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Agents;
using Ainur.Grains.Interfaces.Budgets;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Grains.Tests.Cluster;
using Ainur.Grains.Tests.Reputation;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Ainur.Silo.Hosting;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Ainur.Grains.Tests.Tasks;

/// <summary>
/// Paid tasks on two in-process silos configured as production silos (cluster mode, PostgreSQL, real ledger keys),
/// short deadlines so that timeouts and windows pass quickly, and helpers to fund fresh accounts, register and stake
/// agents, and submit tasks signed the way a client signs them. Tests share the cluster, never an account: each makes
/// its own clients and agents (funded from a genesis bank), so no test sees another's money move, whatever the order.
/// </summary>
public class TaskWorld : IAsyncLifetime
{
    public const long Funds = 1_000_000;
    private const long BankFunds = 1_000_000_000_000;
    private const string Schema = """{"type":"object","required":["text"]}""";

    private readonly TimeProvider? _clock;
    private readonly TimeSpan _reminderPeriod;
    private PostgresTestCluster? _cluster;
    private readonly Dictionary<Did, long> _nonces = [];
    private readonly List<AgentKey> _keys = [];
    // The bank's transfers must reach the ledger in nonce order: one funding at a time.
    private readonly SemaphoreSlim _bank = new(1, 1);

    public TaskWorld()
        : this(null, TimeSpan.FromSeconds(5))
    {
    }

    /// <summary>A world whose silos read time from <paramref name="clock"/>, with reminders <paramref name="reminderPeriod"/> apart.</summary>
    protected TaskWorld(TimeProvider? clock, TimeSpan reminderPeriod)
    {
        _clock = clock;
        _reminderPeriod = reminderPeriod;
    }

    public string ClusterId { get; } = $"tasks-{Guid.NewGuid():N}";

    public LedgerSecrets Secrets => LedgerSecrets.For(ClusterId);

    public InProcessTestCluster Cluster => (_cluster ?? throw new InvalidOperationException("Fixture not initialised.")).Cluster;

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Lost or held writes of the task store, for the tests that ask for them (none otherwise).</summary>
    internal WriteFaults TaskWrites { get; } = new();

    /// <summary>Lost writes of the budget store, for the tests that ask for them (none otherwise).</summary>
    internal WriteFaults BudgetWrites { get; } = new();

    private AgentKey? _bankKey;

    private AgentKey Bank => _bankKey ??= LedgerSecrets.Account(ClusterId, "bank");

    public TaskPolicy Policy { get; } = new()
    {
        MaxAttempts = 3,
        ExecutionTimeout = TimeSpan.FromSeconds(3),
        ChallengeWindow = TimeSpan.FromSeconds(1),
        VerdictTimeout = TimeSpan.FromSeconds(3),
        ProtocolFeeBps = 100,
        DisputeBond = 20,
        VerifierFee = 2,
        VerifierQuorum = 3,
        MinStake = 10,
        SlashClientShareBps = 5000,
    };

    public async ValueTask InitializeAsync() =>
        _cluster = await PostgresTestCluster.StartAsync(ClusterId, Options, silo =>
        {
            FlakyGrainStorage.Wrap(silo, AinurStores.Tasks, TaskWrites);
            FlakyGrainStorage.Wrap(silo, AinurStores.Budgets, BudgetWrites);
            if (_clock is not null)
            {
                silo.Services.AddSingleton(_clock);
            }

            ConfigureSilo(silo);
        });

    /// <summary>Changes each silo after the world's own configuration (a subclass's settings).</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        foreach (var key in _keys)
        {
            key.Dispose();
        }

        _bankKey?.Dispose();
        _bank.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh account holding <paramref name="funds"/> (final on the ledger when this returns).</summary>
    public async Task<AgentKey> NewAccountAsync(long funds = Funds) => (await NewAccountsAsync(1, funds))[0];

    /// <summary><paramref name="count"/> fresh accounts holding <paramref name="funds"/> each, funded in one round.</summary>
    public async Task<IReadOnlyList<AgentKey>> NewAccountsAsync(int count, long funds = Funds)
    {
        var keys = Enumerable.Range(0, count).Select(_ => AgentKey.Generate()).ToList();
        lock (_keys)
        {
            _keys.AddRange(keys);
        }

        await _bank.WaitAsync();
        try
        {
            var transfers = keys.Select(k => SignedTransaction.Sign(new Transfer(Bank.Did, k.Did, funds, NextNonce(Bank.Did)), Bank, Secrets.ChainId)).ToList();
            var mempool = Grains.GetGrain<IMempoolGrain>(0);
            await mempool.SubmitManyAsync([.. transfers]);
            foreach (var transfer in transfers)
            {
                Assert.Equal(TxState.Final, (await mempool.WaitAsync(transfer.Id, TimeSpan.FromSeconds(20))).State);
            }
        }
        finally
        {
            _bank.Release();
        }

        return keys;
    }

    /// <summary>
    /// Registers a fresh funded account as a remote agent offering <paramref name="capability"/> at
    /// <paramref name="price"/>, and stakes <paramref name="stake"/>. Tests use capabilities of their own, so that no
    /// other test's agents take their tasks.
    /// </summary>
    public async Task<AgentKey> EnlistAsync(string capability, long price = 10, bool deterministic = false, long stake = 100)
    {
        var agent = await NewAccountAsync();
        var manifest = new AgentManifest($"agent-{agent.Did.Value[^8..]}", "1.0.0",
            [new Capability(capability, "Echoes its input.", price, Schema, "{}", deterministic)],
            new AgentRuntime(RuntimeKind.Remote, null), "https://agent.example/");
        var decision = await Grains.GetGrain<IAgentGrain>(agent.Did.Value).RegisterAsync(new RegisterAgent(agent.Did, manifest));
        Assert.Null(decision.Rejection);
        if (stake > 0)
        {
            await StakeAsync(agent, stake);
        }

        return agent;
    }

    /// <summary>Stakes <paramref name="amount"/> of <paramref name="agent"/>'s balance and waits until it is final.</summary>
    public async Task StakeAsync(AgentKey agent, long amount)
    {
        var status = await FinalizeAsync(SignedTransaction.Sign(new Stake(agent.Did, amount, NextNonce(agent.Did)), agent, Secrets.ChainId));
        Assert.Equal(TxState.Final, status.State);
    }

    /// <summary>
    /// Submits a task as <paramref name="client"/> would: terms, the signed payment lock, the input.
    /// <paramref name="beforeSubmit"/> is told the task id before the task grain is called.
    /// </summary>
    public async Task<(Hash32 Id, TaskReply Reply)> SubmitAsync(
        AgentKey client, string capability, string input, long maxPrice = 50, TimeSpan? deadline = null, Action<Hash32>? beforeSubmit = null)
    {
        var terms = new TaskTerms(client.Did, capability, Blake2b.Content(Encoding.UTF8.GetBytes(input)), maxPrice,
            (DateTimeOffset.UtcNow + (deadline ?? TimeSpan.FromMinutes(2))).ToUnixTimeMilliseconds(), Guid.NewGuid().ToString("N"));
        var id = terms.TaskId();
        var schemas = (await Grains.GetGrain<ICapabilityRosterGrain>(capability).GetSchemasAsync()).Select(s => s.Hash).ToImmutableArray();
        var paymentLock = PaymentLock(client, terms);
        beforeSubmit?.Invoke(id);
        var reply = await Task(id).SubmitAsync(new SubmitTask(terms, input, schemas), paymentLock);
        return (id, reply);
    }

    /// <summary>
    /// Opens a budget of <paramref name="amount"/> for <paramref name="owner"/> expiring <paramref name="heights"/> after the
    /// ledger's height now, waits until it is final and activates its grain (as <c>POST /v1/budgets</c> does).
    /// </summary>
    public async Task<Hash32> OpenBudgetAsync(AgentKey owner, long amount, long heights = 100_000)
    {
        var height = (await AccountAsync(owner.Did)).Height;
        var open = new BudgetOpen(owner.Did, Random.Shared.NextInt64(), amount, height + heights);
        Assert.Equal(TxState.Final, (await FinalizeAsync(SignedTransaction.Sign(open, owner, Secrets.ChainId))).State);
        await Budget(open.BudgetId).ActivateAsync();
        return open.BudgetId;
    }

    /// <summary>Submits a task paid from <paramref name="budget"/> by a voucher <paramref name="signer"/> signs (the client by default).</summary>
    public async Task<(Hash32 Id, TaskReply Reply)> SubmitFromBudgetAsync(
        AgentKey client, Hash32 budget, string capability, long maxPrice = 50, TimeSpan? deadline = null, AgentKey? signer = null)
    {
        var input = $$"""{"text":"{{Guid.NewGuid()}}"}""";
        var terms = new TaskTerms(client.Did, capability, Blake2b.Content(Encoding.UTF8.GetBytes(input)), maxPrice,
            (DateTimeOffset.UtcNow + (deadline ?? TimeSpan.FromMinutes(2))).ToUnixTimeMilliseconds(), Guid.NewGuid().ToString("N"));
        var id = terms.TaskId();
        var schemas = (await Grains.GetGrain<ICapabilityRosterGrain>(capability).GetSchemasAsync()).Select(s => s.Hash).ToImmutableArray();
        var voucher = new TaskVoucher(budget, new Voucher(budget, id, maxPrice).Sign(signer ?? client, Secrets.ChainId));
        return (id, await Task(id).SubmitAsync(new SubmitTask(terms, input, schemas, voucher), null));
    }

    public IBudgetGrain Budget(Hash32 id) => Grains.GetGrain<IBudgetGrain>(id.ToString());

    public Task<BudgetSnapshot> BudgetOnLedgerAsync(Hash32 id) => Grains.GetGrain<ILedgerQueryGrain>(0).GetBudgetAsync(id);

    /// <summary>Finalizes small transfers from a fresh account until the ledger is past <paramref name="height"/> (an idle ledger makes no blocks).</summary>
    public async Task AdvancePastAsync(long height)
    {
        var pusher = await NewAccountAsync(1000);
        while ((await AccountAsync(pusher.Did)).Height <= height)
        {
            await TransferAsync(pusher, Bank.Did, 1);
        }
    }

    /// <summary>Disputes the task's result as its client, signing the bond lock.</summary>
    public async Task<TaskReply> DisputeAsync(AgentKey client, Hash32 id) =>
        await Task(id).DisputeAsync(new DisputeResult(client.Did, "wrong"), BondLock(client, (await Task(id).GetAsync())!));

    /// <summary>The client's signed payment lock for <paramref name="terms"/>: maxPrice until the deadline.</summary>
    public SignedTransaction PaymentLock(AgentKey client, TaskTerms terms) =>
        SignedTransaction.Sign(new EscrowLock(client.Did, TaskEscrows.Payment(terms.TaskId()), terms.MaxPrice, terms.Deadline), client, Secrets.ChainId);

    /// <summary>The client's signed bond lock for the task: the bond until the end of the challenge window (0 before a result).</summary>
    public SignedTransaction BondLock(AgentKey client, TaskRecord record) =>
        SignedTransaction.Sign(new EscrowLock(client.Did, record.BondEscrow, Policy.DisputeBond, record.LockExpiry(HoldKind.Bond) ?? 0), client, Secrets.ChainId);

    /// <summary>Moves <paramref name="amount"/> from <paramref name="from"/> to <paramref name="to"/>; the caller sends one sender's transfers one at a time.</summary>
    public async Task TransferAsync(AgentKey from, Did to, long amount) =>
        Assert.Equal(TxState.Final, (await FinalizeAsync(SignedTransaction.Sign(new Transfer(from.Did, to, amount, NextNonce(from.Did)), from, Secrets.ChainId))).State);

    public ITaskGrain Task(Hash32 id) => Grains.GetGrain<ITaskGrain>(id.ToString());

    /// <summary>Waits until the task satisfies <paramref name="done"/>; fails with the task's history when it does not in time.</summary>
    public async Task<TaskRecord> WaitForAsync(Hash32 id, Func<TaskRecord, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var after = 0;
        while (true)
        {
            var record = await Task(id).WaitForChangeAsync(after, TimeSpan.FromSeconds(1));
            if (record is not null && done(record))
            {
                return record;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                var history = record is null ? "none" : string.Join("\n", record.History.Select(t => $"{t.From}->{t.To} {t.Cause} {t.Detail}"));
                Assert.Fail($"Task {id} did not get there in time; it is {record?.State}, payment {record?.Payment}:\n{history}");
            }

            after = record?.History.Length ?? 0;
        }
    }

    public Task<AccountSnapshot> AccountAsync(Did did) => Grains.GetGrain<ILedgerQueryGrain>(0).GetAccountAsync(did);

    /// <summary>
    /// The protocol operations of every block that closed one of <paramref name="escrows"/>: what the ledger paid for
    /// them, including to the treasury (which every test shares, so its balance is no test's own).
    /// </summary>
    public async Task<IReadOnlyList<ProtocolOp>> ClosingOperationsAsync(IEnumerable<Hash32> escrows)
    {
        var query = Grains.GetGrain<ILedgerQueryGrain>(0);
        var heights = new SortedSet<long>();
        foreach (var escrow in escrows)
        {
            if ((await query.GetEscrowAsync(escrow)).Escrow is { ClosedAtHeight: > 0 } closed)
            {
                heights.Add(closed.ClosedAtHeight);
            }
        }

        var operations = new List<ProtocolOp>();
        foreach (var height in heights)
        {
            var block = await query.GetBlockAsync(height) ?? throw new Xunit.Sdk.XunitException($"block {height} is not stored");
            operations.AddRange(block.Block.Transactions.Select(t => t.Body).OfType<ProtocolBatch>().SelectMany(b => b.Operations));
        }

        return operations;
    }

    public async Task<TxStatus> FinalizeAsync(SignedTransaction transaction)
    {
        var mempool = Grains.GetGrain<IMempoolGrain>(0);
        await mempool.SubmitAsync(transaction);
        return await mempool.WaitAsync(transaction.Id, TimeSpan.FromSeconds(20));
    }

    private long NextNonce(Did did)
    {
        lock (_nonces)
        {
            _nonces[did] = _nonces.GetValueOrDefault(did) + 1;
            return _nonces[did];
        }
    }

    private AinurOptions Options(TestDatabase database)
    {
        var options = PostgresClusterFixture.Options(ClusterId, database);
        options.Ledger.Allocations.Add(new AllocationOptions { Account = Bank.Did.Value, Amount = BankFunds });
        options.Ledger.Treasury = LedgerSecrets.Account(ClusterId, "treasury").Did.Value;
        options.Tasks = new TaskOptions
        {
            MaxAttempts = Policy.MaxAttempts,
            ExecutionTimeout = Policy.ExecutionTimeout,
            ChallengeWindow = Policy.ChallengeWindow,
            VerdictTimeout = Policy.VerdictTimeout,
            ProtocolFeeBps = Policy.ProtocolFeeBps,
            DisputeBond = Policy.DisputeBond,
            VerifierFee = Policy.VerifierFee,
            VerifierQuorum = Policy.VerifierQuorum,
            MinStake = Policy.MinStake,
            SlashClientShareBps = Policy.SlashClientShareBps,
            ReminderPeriod = _reminderPeriod,
        };
        return options;
    }
}
