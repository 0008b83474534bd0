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
/// vanishing agents, clients too poor to pay); afterwards the ledger, not the grains, must show that no credit was
/// created or lost and that every task's escrows were closed the way its terminal state says, once. The accounts are
/// this test's own; the treasury is shared, so what it gained from these tasks is read from the blocks that closed them.
/// </summary>
[Collection(TaskWorldCollection.Name)]
public sealed class TaskConservationTests(TaskWorld world)
{
    private const string Capability = "mix.echo";

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
        var clients = await world.NewAccountsAsync(4);
        var poor = await world.NewAccountAsync(funds: 5);

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
        Did[] ours = [.. clients.Select(c => c.Did), poor.Did, .. loops.Select(l => l.Agent)];
        var supply = await HoldingsAsync(ours);
        var scenarios = Enumerable.Range(0, tasks).Select(_ => (Client: random.Next(clients.Count), Roll: random.NextDouble(), Price: 10 + random.Next(20))).ToList();
        using var throttle = new SemaphoreSlim(64);
        await Task.WhenAll(scenarios.Select(async scenario =>
        {
            await throttle.WaitAsync();
            try
            {
                outcomes.Add(await RunAsync(scenario.Roll < 0.03 ? poor : clients[scenario.Client], scenario.Roll, scenario.Price));
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
        }
        TestContext.Current.SendDiagnosticMessage(string.Join(", ", records.GroupBy(r => r.State).Select(g => $"{g.Key}: {g.Count()}")));
    }

    private async Task<TaskRecord> RunAsync(AgentKey client, double roll, long maxPrice)
    {
        var (id, reply) = await world.SubmitAsync(client, Capability, $$"""{"text":"{{Guid.NewGuid()}}"}""", maxPrice);
        Assert.Null(reply.Rejection);
        switch (roll)
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

        return await world.WaitForAsync(id, t => t.State.IsTerminal() && t.IsClosed, TimeSpan.FromMinutes(3));
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
        HoldState.None or HoldState.LockRejected => null,
        _ => throw new Xunit.Sdk.XunitException($"a closed task has a hold {hold}"),
    };

    private static AgentBehaviour Pick(Random random, double failRate, double vanishRate)
    {
        lock (random)
        {
            var roll = random.NextDouble();
            return roll < vanishRate ? AgentBehaviour.Vanish : roll < vanishRate + failRate ? AgentBehaviour.Fail : AgentBehaviour.Echo;
        }
    }
}
