using System.Collections.Concurrent;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tests.Tasks;

/// <summary>
/// Many random tasks on a real cluster and ledger (accepted, silent clients, disputes either way, cancels, failing and
/// vanishing agents, clients too poor to pay), and late relays of their signed locks straight into the ledger's pool:
/// a refused lock relayed once its client has the credits (the task must refund it) or after it expired (the ledger
/// must refuse it), and the locks of closed tasks again. Afterwards the ledger, not the grains, must show that no credit
/// was created or lost and that every task's escrows were closed the way its terminal state says, once, none left
/// locked. The accounts are this test's own; the treasury is shared, so what it gained from these tasks is read from the
/// blocks that closed them.
/// </summary>
[Collection(TaskWorldCollection.Name)]
public sealed class TaskConservationTests(TaskWorld world) : IDisposable
{
    private const string Capability = "mix.echo";

    // A poor client's lock is refused; its task keeps watching it until the deadline, so that deadline is short.
    private static readonly TimeSpan PoorDeadline = TimeSpan.FromSeconds(8);

    // Refused locks relayed after their client was paid enough, by a donor of this test's own, one transfer at a time.
    private readonly SemaphoreSlim _donations = new(1, 1);
    private AgentKey? _donor;

    public void Dispose() => _donations.Dispose();

    [Fact]
    public async Task After_a_thousand_random_tasks_the_supply_is_conserved_and_every_escrow_closed_once()
    {
        var tasks = Environment.GetEnvironmentVariable("AINUR_CONSERVATION_TASKS") is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 1000;
        var seed = Environment.GetEnvironmentVariable("AINUR_CONSERVATION_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        try
        {
            await RunManyAsync(tasks, seed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The seed fixes the mix of scenarios and behaviours (not the timing): set it to run the same mix again.
            throw new Xunit.Sdk.XunitException($"AINUR_CONSERVATION_SEED={seed}: {e.Message}", e);
        }
    }

    private async Task RunManyAsync(int tasks, int seed)
    {
        var random = new Random(seed);
        var scenarios = Enumerable.Range(0, tasks)
            .Select(_ => new Scenario(random.Next(4), random.NextDouble(), 10 + random.Next(20), random.NextDouble() < 0.5, random.NextDouble() < 0.1))
            .ToList();
        var clients = await world.NewAccountsAsync(4);
        // One poor client per poor scenario: a relay pays it, and a paid client would not be poor for the next one.
        var poor = new Queue<AgentKey>(await world.NewAccountsAsync(scenarios.Count(s => s.Poor), funds: 5));
        _donor = await world.NewAccountAsync();

        var loops = new List<AgentLoop>();
        for (var i = 0; i < 8; i++)
        {
            var failRate = i < 6 ? 0.05 : 0.5;
            var vanishRate = i < 6 ? 0.01 : 0.1;
            var agentRandom = new Random(seed + i + 1);
            // Each lost dispute slashes up to MinStake: agents stake enough for their share of a long run to stay eligible.
            loops.Add(new AgentLoop(world, (await world.EnlistAsync(Capability, price: 5 + i, stake: 100 + (tasks / 5))).Did)
            {
                Behaviour = _ => Pick(agentRandom, failRate, vanishRate),
                Verdicts = _ => agentRandom.NextDouble() < 0.5,
            }.Start());
        }

        var outcomes = new ConcurrentBag<TaskRecord>();
        Did[] ours = [.. clients.Select(c => c.Did), .. poor.Select(p => p.Did), _donor.Did, .. loops.Select(l => l.Agent)];
        var supply = await HoldingsAsync(ours);
        using var throttle = new SemaphoreSlim(64);
        await Task.WhenAll(scenarios.Select(async scenario =>
        {
            var client = scenario.Poor ? poor.Dequeue() : clients[scenario.Client];
            await throttle.WaitAsync();
            try
            {
                outcomes.Add(scenario.Poor ? await RunPoorAsync(client, scenario) : await RunAsync(client, scenario));
            }
            finally
            {
                throttle.Release();
            }
        }));
        foreach (var loop in loops)
        {
            await loop.DisposeAsync();
        }

        var records = outcomes.ToList();
        Assert.Equal(tasks, records.Count);
        Assert.All(records, r => Assert.True(r.State.IsTerminal() && r.IsClosed, $"task {r.Id} ended {r.State}"));
        await AssertLedgerAgreesAsync(records, ours, supply);
        if (tasks >= 500)
        {
            // The mix must have exercised every ending, or the sums above prove less than they claim.
            Assert.Superset(new HashSet<TaskState> { TaskState.Settled, TaskState.Cancelled, TaskState.Failed }, records.Select(r => r.State).ToHashSet());
            Assert.Superset(new HashSet<DisputeResolution?> { DisputeResolution.AgentWins, DisputeResolution.ClientWins }, records.Select(r => r.Dispute?.Resolution).ToHashSet());
            Assert.Contains(records, r => r.Attempt > 1 && r.State == TaskState.Settled);
            Assert.Superset(new HashSet<HoldState> { HoldState.Refunded, HoldState.Expired }, records.Where(r => r.History.Any(t => t.Cause == "payment-lockrejected")).Select(r => r.Payment).ToHashSet());
        }
        TestContext.Current.SendDiagnosticMessage(string.Join(", ", records.GroupBy(r => r.State).Select(g => $"{g.Key}: {g.Count()}")));
    }

    private async Task<TaskRecord> RunAsync(AgentKey client, Scenario scenario)
    {
        var (id, reply) = await world.SubmitAsync(client, Capability, $$"""{"text":"{{Guid.NewGuid()}}"}""", scenario.Price);
        Assert.Null(reply.Rejection);
        switch (scenario.Roll)
        {
            case < 0.13:
                await world.Task(id).ExecuteAsync(new CancelTask(client.Did));
                break;
            case < 0.55:
                var verifying = await world.WaitForAsync(id, t => t.State is TaskState.Verifying || t.State.IsTerminal(), TimeSpan.FromMinutes(3));
                if (verifying.State == TaskState.Verifying)
                {
                    await world.Task(id).ExecuteAsync(new AcceptResult(client.Did));
                }

                break;
            case < 0.70:
                var disputable = await world.WaitForAsync(id, t => t.State is TaskState.Verifying || t.State.IsTerminal(), TimeSpan.FromMinutes(3));
                if (disputable.State == TaskState.Verifying)
                {
                    await world.DisputeAsync(client, id);
                }

                break;
        }

        var closed = await world.WaitForAsync(id, t => t.State.IsTerminal() && t.IsClosed, TimeSpan.FromMinutes(3));
        if (scenario.LateRelay)
        {
            // Its locks again, long after they were used: the ledger applied each once (or never), and nothing moves now.
            await world.FinalizeAsync(world.PaymentLock(client, closed.Terms));
            if (closed.Bond != HoldState.None)
            {
                await world.FinalizeAsync(world.BondLock(client, closed));
            }

            var after = (await world.Task(id).GetAsync())!;
            Assert.Equal((closed.State, closed.Payment, closed.Bond, closed.History.Length), (after.State, after.Payment, after.Bond, after.History.Length));
        }

        return closed;
    }

    /// <summary>
    /// A client short of maxPrice: its lock is refused and the task fails. Then either the client is paid and the lock
    /// relayed before its expiry (it locks; the task must refund it), or the task closes at the expiry and the relay comes
    /// after (the ledger must refuse it).
    /// </summary>
    private async Task<TaskRecord> RunPoorAsync(AgentKey client, Scenario scenario)
    {
        var (id, reply) = await world.SubmitAsync(client, Capability, $$"""{"text":"{{Guid.NewGuid()}}"}""", scenario.Price, PoorDeadline);
        Assert.Null(reply.Rejection);
        var refused = await world.WaitForAsync(id, t => t.Payment != HoldState.Locking);
        Assert.Equal((TaskState.Failed, HoldState.LockRejected), (refused.State, refused.Payment));
        var paymentLock = world.PaymentLock(client, refused.Terms);
        if (scenario.Relay)
        {
            await DonateAsync(client.Did, scenario.Price);
            Assert.Equal(TxState.Final, (await world.FinalizeAsync(paymentLock)).State);
            var refunded = await world.WaitForAsync(id, t => t.IsClosed, TimeSpan.FromMinutes(1));
            Assert.Equal(HoldState.Refunded, refunded.Payment);
            return refunded;
        }

        var expired = await world.WaitForAsync(id, t => t.IsClosed, TimeSpan.FromMinutes(1));
        Assert.Equal(HoldState.Expired, expired.Payment);
        await DonateAsync(client.Did, scenario.Price);
        var late = await world.FinalizeAsync(paymentLock);
        Assert.Equal((TxState.Rejected, TxRejectionCodes.EscrowLockExpired), (late.State, late.Rejection?.Code));
        return expired;
    }

    private async Task DonateAsync(Did to, long amount)
    {
        await _donations.WaitAsync();
        try
        {
            await world.TransferAsync(_donor!, to, amount);
        }
        finally
        {
            _donations.Release();
        }
    }

    private async Task<long> HoldingsAsync(IEnumerable<Did> accounts)
    {
        var held = 0L;
        foreach (var account in accounts)
        {
            held += (await world.AccountAsync(account)).Account.Holdings;
        }

        return held;
    }

    /// <summary>
    /// What our accounts held before equals what they hold now, plus what is still locked in our tasks' escrows, plus
    /// what the treasury took from our tasks (fees of their releases and payouts, the treasury's part of our agents' slashes).
    /// </summary>
    private async Task AssertLedgerAgreesAsync(List<TaskRecord> records, Did[] ours, long supply)
    {
        var query = world.Grains.GetGrain<ILedgerQueryGrain>(0);
        var held = await HoldingsAsync(ours);
        var escrows = records.SelectMany(r => new[] { r.PaymentEscrow, r.BondEscrow }).ToHashSet();
        held += (await world.ClosingOperationsAsync(escrows)).Sum(op => op switch
        {
            EscrowRelease release when escrows.Contains(release.EscrowId) => release.Fee,
            EscrowPayout payout when escrows.Contains(payout.EscrowId) => payout.Fee,
            Slash slash when ours.Contains(slash.Account) => slash.Amount - slash.BeneficiaryShare,
            _ => 0,
        });

        foreach (var record in records)
        {
            var payment = (await query.GetEscrowAsync(record.PaymentEscrow)).Escrow;
            var bond = (await query.GetEscrowAsync(record.BondEscrow)).Escrow;
            held += (payment?.Status == EscrowStatus.Locked ? payment.Amount : 0) + (bond?.Status == EscrowStatus.Locked ? bond.Amount : 0);
            Assert.Equal(Expected(record.Payment), payment?.Status);
            Assert.Equal(Expected(record.Bond), bond?.Status);
            Assert.Equal(record.State == TaskState.Settled, payment?.Status == EscrowStatus.Released);
            if (record.State is TaskState.Cancelled or TaskState.Failed)
            {
                Assert.True(payment is null || payment.Status == EscrowStatus.Refunded, $"task {record.Id} ended {record.State} with its payment {payment?.Status}");
            }
        }

        Assert.Equal(supply, held);
    }

    private static EscrowStatus? Expected(HoldState hold) => hold switch
    {
        HoldState.Released => EscrowStatus.Released,
        HoldState.Refunded => EscrowStatus.Refunded,
        HoldState.None or HoldState.Expired => null,
        _ => throw new Xunit.Sdk.XunitException($"a closed task has a hold {hold}"),
    };

    /// <summary>One task's draw: which rich client, the roll that picks what happens, maxPrice, and for the relays.</summary>
    private sealed record Scenario(int Client, double Roll, long Price, bool Relay, bool LateRelay)
    {
        public bool Poor => Roll < 0.03;
    }

    private static AgentBehaviour Pick(Random random, double failRate, double vanishRate)
    {
        lock (random)
        {
            var roll = random.NextDouble();
            return roll < vanishRate ? AgentBehaviour.Vanish : roll < vanishRate + failRate ? AgentBehaviour.Fail : AgentBehaviour.Echo;
        }
    }
}
