using System.Collections.Concurrent;
using Ainur.Grains.Interfaces.Budgets;
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
/// locked. A third of the tasks are paid from budgets: two long ones (one closed early by its owner half-way through),
/// more tasks than they can pay for (over-budget submits are refused), and short ones that expire (their tasks are
/// cancelled at once; the budgets return at expiry); settled vouchers are sent again afterwards. The ledger must show
/// each budget spent exactly the prices of its settled tasks, each of those vouchers spent once and no other, no budget
/// below zero, every reservation released or paid, and the closed and expired budgets returned. The accounts are this test's own; the treasury is shared, so what it gained from these tasks is read from the
/// blocks that closed them.
/// </summary>
[Collection(TaskWorldCollection.Name)]
public sealed class TaskConservationTests(TaskWorld world) : IDisposable
{
    private const string Capability = "mix.echo";

    // A poor client's lock is refused; its task keeps watching it until the deadline, so that deadline is short when
    // nobody relays the lock. A relayed one must reach the ledger before that expiry, after the refusal, a donation and
    // the relay (three finality rounds, seconds apart on a loaded machine): its deadline is long, which costs nothing
    // (its task is refunded as soon as it sees the relayed lock).
    private static readonly TimeSpan PoorDeadline = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan RelayedDeadline = TimeSpan.FromSeconds(60);

    // Refused locks relayed after their client was paid enough, by a donor of this test's own, one transfer at a time.
    private readonly SemaphoreSlim _donations = new(1, 1);

    // How long after its submit each relayed lock was final (ms), for the run's diagnostic line.
    private readonly List<double> _relayTimes = [];
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
            .Select(_ => new Scenario(random.Next(4), random.NextDouble(), 10 + random.Next(20), random.NextDouble() < 0.5, random.NextDouble() < 0.1, random.Next(8)))
            .ToList();
        var clients = await world.NewAccountsAsync(4);
        var budgetOwners = await world.NewAccountsAsync(Budgets + ExpiringBudgets);
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
        Did[] ours = [.. clients.Select(c => c.Did), .. poor.Select(p => p.Did), _donor.Did, .. loops.Select(l => l.Agent), .. budgetOwners.Select(o => o.Did)];
        var supply = await HoldingsAsync(ours);
        var budgets = new List<Hash32>();
        for (var i = 0; i < budgetOwners.Count; i++)
        {
            // The expiring ones leave just enough heights for the tasks at the start to reserve.
            budgets.Add(await world.OpenBudgetAsync(budgetOwners[i], BudgetAmount, heights: i < Budgets ? 1_000_000 : 40));
        }

        var closeHalfway = tasks / 2;
        var started = 0;
        using var throttle = new SemaphoreSlim(64);
        await Task.WhenAll(scenarios.Select(async scenario =>
        {
            var client = scenario.Poor ? poor.Dequeue() : clients[scenario.Client];
            await throttle.WaitAsync();
            try
            {
                if (Interlocked.Increment(ref started) == closeHalfway)
                {
                    await CloseAsync(budgetOwners[0], budgets[0]);
                }

                if (scenario.Budget is { } b && !scenario.Poor)
                {
                    if (await RunBudgetAsync(budgetOwners[b], budgets[b], scenario, expiring: b >= Budgets) is { } record)
                    {
                        outcomes.Add(record);
                    }
                    else
                    {
                        Interlocked.Increment(ref _refused);
                    }

                    return;
                }

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
        Assert.Equal(tasks, records.Count + _refused);
        Assert.All(records, r => Assert.True(r.State.IsTerminal() && r.IsClosed, $"task {r.Id} ended {r.State}"));
        await AssertBudgetsAgreeAsync(records, budgets);
        await AssertLedgerAgreesAsync(records, ours, supply, budgets);
        if (tasks >= 500)
        {
            // The mix must have exercised every ending, or the sums above prove less than they claim.
            Assert.Superset(new HashSet<TaskState> { TaskState.Settled, TaskState.Cancelled, TaskState.Failed }, records.Select(r => r.State).ToHashSet());
            Assert.Superset(new HashSet<DisputeResolution?> { DisputeResolution.AgentWins, DisputeResolution.ClientWins }, records.Select(r => r.Dispute?.Resolution).ToHashSet());
            Assert.Contains(records, r => r.Attempt > 1 && r.State == TaskState.Settled);
            Assert.Contains(records, r => r.Voucher is not null && r.State == TaskState.Settled);
            Assert.Contains(records, r => r.Voucher is not null && r.Dispute is not null);
            Assert.True(_refused > 0, "no submit was refused by a budget");
            Assert.Superset(new HashSet<HoldState> { HoldState.Refunded, HoldState.Expired }, records.Where(r => r.History.Any(t => t.Cause == "payment-lockrejected")).Select(r => r.Payment).ToHashSet());
        }
        TestContext.Current.SendDiagnosticMessage(string.Join(", ", records.GroupBy(r => r.State).Select(g => $"{g.Key}: {g.Count()}")) + $", refused by budgets: {_refused}"
            + (_relayTimes.Count > 0 ? $", relayed locks final {_relayTimes.Min():F0} to {_relayTimes.Max():F0} ms after their submit" : ""));
    }

    private async Task<TaskRecord> RunAsync(AgentKey client, Scenario scenario)
    {
        var (id, reply) = await world.SubmitAsync(client, Capability, $$"""{"text":"{{Guid.NewGuid()}}"}""", scenario.Price);
        Assert.Null(reply.Rejection);
        return await FollowAsync(client, id, scenario);
    }

    /// <summary>
    /// A task paid from <paramref name="budget"/>; null when the budget refused it (over budget, closing, expiring), which
    /// must have created nothing. An expiring budget's tasks are cancelled at once. A settled voucher sent again later
    /// (a late replay by the orchestrator) is refused and moves nothing.
    /// </summary>
    private async Task<TaskRecord?> RunBudgetAsync(AgentKey owner, Hash32 budget, Scenario scenario, bool expiring)
    {
        // An expiring budget's task has no agent (it stays pending, so its cancel always comes before an assignment).
        var (id, reply) = await world.SubmitFromBudgetAsync(owner, budget, expiring ? "mix.unserved" : Capability, scenario.Price);
        if (reply.Rejection is { } rejection)
        {
            Assert.Contains(rejection.Code, new[] { BudgetRefusals.Exceeded, BudgetRefusals.Closing, BudgetRefusals.Expired });
            Assert.Null(await world.Task(id).GetAsync());
            return null;
        }

        if (expiring)
        {
            await world.Task(id).ExecuteAsync(new CancelTask(owner.Did));
            return await world.WaitForAsync(id, t => t.State.IsTerminal() && t.IsClosed, TimeSpan.FromMinutes(3));
        }

        var closed = await FollowAsync(owner, id, scenario with { LateRelay = false });
        if (scenario.LateRelay && closed.Payment == HoldState.Released)
        {
            var fee = world.Policy.FeeOn(closed.Price);
            ProtocolOp[] replay = [new VoucherSettle(budget, id, closed.Terms.MaxPrice, closed.Voucher!.Signature, closed.Agent!.Value, closed.Price - fee, fee)];
            var outcome = await world.Grains.GetGrain<IOrchestratorGrain>(0).ExecuteAsync([.. replay]);
            Assert.False(outcome.Final, $"the voucher of task {id} was paid twice");
            Assert.True((await world.Budget(budget).SettleAsync(id, [.. replay])).Closed);
        }

        return closed;
    }

    private async Task CloseAsync(AgentKey owner, Hash32 budget)
    {
        Assert.Equal(TxState.Final, (await world.FinalizeAsync(SignedTransaction.Sign(new BudgetClose(owner.Did, budget), owner, world.Secrets.ChainId))).State);
        await world.Budget(budget).ActivateAsync();
    }

    private async Task<TaskRecord> FollowAsync(AgentKey client, Hash32 id, Scenario scenario)
    {
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
        var (id, reply) = await world.SubmitAsync(client, Capability, $$"""{"text":"{{Guid.NewGuid()}}"}""", scenario.Price, scenario.Relay ? RelayedDeadline : PoorDeadline);
        Assert.Null(reply.Rejection);
        var refused = await world.WaitForAsync(id, t => t.Payment != HoldState.Locking);
        Assert.Equal((TaskState.Failed, HoldState.LockRejected), (refused.State, refused.Payment));
        var paymentLock = world.PaymentLock(client, refused.Terms);
        if (scenario.Relay)
        {
            await DonateAsync(client.Did, scenario.Price);
            var relayed = await world.FinalizeAsync(paymentLock);
            var margin = refused.Terms.Deadline - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Assert.True(relayed.State == TxState.Final, $"the relayed lock of task {id} is {relayed.State} ({relayed.Rejection?.Code}), {margin} ms before its expiry");
            lock (_relayTimes)
            {
                _relayTimes.Add(RelayedDeadline.TotalMilliseconds - margin);
            }

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
    private async Task AssertLedgerAgreesAsync(List<TaskRecord> records, Did[] ours, long supply, List<Hash32> budgets)
    {
        var query = world.Grains.GetGrain<ILedgerQueryGrain>(0);
        var held = await HoldingsAsync(ours);
        foreach (var budget in budgets)
        {
            held += (await query.GetBudgetAsync(budget)).Budget!.Remaining;
        }

        // The treasury's part of each voucher paid: the ledger's Spent of each budget is checked against these prices.
        held += records.Where(r => r.Voucher is not null && r.Payment == HoldState.Released).Sum(r => world.Policy.FeeOn(r.Price));
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
            if (record.Voucher is not null)
            {
                var bondOnly = (await query.GetEscrowAsync(record.BondEscrow)).Escrow;
                held += bondOnly?.Status == EscrowStatus.Locked ? bondOnly.Amount : 0;
                Assert.Equal(Expected(record.Bond), bondOnly?.Status);
                Assert.Null((await query.GetEscrowAsync(record.PaymentEscrow)).Escrow);
                continue;
            }

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

    /// <summary>
    /// Each budget's ledger entry agrees with the tasks it paid: spent exactly the prices of its settled tasks (so no
    /// voucher paid twice, none paid for a refunded task), those vouchers marked spent and, of the others, only a refund
    /// that slashed its agent (spent for nothing), never below zero; the budget grain holds no reservation and counted
    /// each task once; the closed and expired budgets are returned.
    /// </summary>
    private async Task AssertBudgetsAgreeAsync(List<TaskRecord> records, List<Hash32> budgets)
    {
        await world.AdvancePastAsync((await world.BudgetOnLedgerAsync(budgets[^1])).Budget!.ExpiryHeight);
        var query = world.Grains.GetGrain<ILedgerQueryGrain>(0);
        for (var i = 0; i < budgets.Count; i++)
        {
            var budget = budgets[i];
            var mine = records.Where(r => r.Voucher?.BudgetId == budget).ToList();
            var paid = mine.Where(r => r.Payment == HoldState.Released).ToList();
            Assert.All(mine, r => Assert.True(r.Payment is HoldState.Released or HoldState.Refunded, $"task {r.Id} ended with its reservation {r.Payment}"));
            var returnsAtEnd = i == 0 || i >= Budgets;
            var onLedger = await WaitForBudgetAsync(budget, b => !returnsAtEnd || b.Status == BudgetStatus.Returned);
            Assert.Equal(paid.Sum(r => r.Price), onLedger.Spent);
            Assert.True(onLedger.Remaining >= 0);
            Assert.Equal(returnsAtEnd ? 0 : BudgetAmount - onLedger.Spent, onLedger.Remaining);
            if (!returnsAtEnd)
            {
                foreach (var record in mine)
                {
                    // A refund that slashes the agent spends the voucher for nothing (TaskSettlement: once-only units);
                    // any other refund leaves it unspent.
                    var spent = await query.IsVoucherSpentAsync(budget, record.Id);
                    Assert.True(record.Payment == HoldState.Released ? spent : !spent || SlashesItsAgent(record),
                        $"task {record.Id} ({record.Payment}, dispute {record.Dispute?.Resolution}): voucher spent {spent}");
                }
            }

            var usage = await world.Budget(budget).GetAsync();
            Assert.Equal((0, (long)paid.Count, (long)(mine.Count - paid.Count)), (usage.ReservedTasks, usage.SettledTasks, usage.ReleasedTasks));
        }
    }

    private static bool SlashesItsAgent(TaskRecord record) =>
        record.Dispute?.Resolution == DisputeResolution.ClientWins || !record.Slashed.IsDefaultOrEmpty;

    private async Task<Budget> WaitForBudgetAsync(Hash32 budget, Func<Budget, bool> done)
    {
        var until = DateTimeOffset.UtcNow.AddMinutes(1);
        while (true)
        {
            var onLedger = (await world.BudgetOnLedgerAsync(budget)).Budget!;
            if (done(onLedger) || DateTimeOffset.UtcNow > until)
            {
                return onLedger;
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
    }

    private const int Budgets = 2;
    private const int ExpiringBudgets = 2;
    private const long BudgetAmount = 600;
    private int _refused;

    /// <summary>
    /// One task's draw: which rich client, the roll that picks what happens, maxPrice, for the relays, and what pays: the
    /// budget numbered <see cref="PayDraw"/> when there is one (half the draws), else the client's lock.
    /// </summary>
    private sealed record Scenario(int Client, double Roll, long Price, bool Relay, bool LateRelay, int PayDraw)
    {
        public bool Poor => Roll < 0.03;

        public int? Budget => PayDraw < Budgets + ExpiringBudgets ? PayDraw : null;
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
