using System.Collections.Immutable;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary>Who gets what when a task ends: the ledger operations of <see cref="TaskSettlement.Plan"/>.</summary>
public sealed class TaskSettlementTests
{
    private static readonly TaskPolicy Policy = new() { ProtocolFeeBps = 100, DisputeBond = 20, VerifierFee = 2, VerifierQuorum = 3, MinStake = 10, SlashClientShareBps = 5000 };
    private static readonly Did Client = TaskWorld.Person(0);
    private static readonly Did Agent = TaskWorld.Person(1);
    private static readonly ImmutableArray<Did> Verifiers = [TaskWorld.Person(2), TaskWorld.Person(3), TaskWorld.Person(4)];

    [Fact]
    public void A_complete_task_releases_the_price_less_the_fee_to_the_agent()
    {
        var plan = TaskSettlement.Plan(Ended(TaskState.Complete), Policy, 0);

        var release = Assert.IsType<EscrowRelease>(Assert.Single(plan.Operations));
        Assert.Equal((Agent, 297L, 3L), (release.Payee, release.PayeeAmount, release.Fee));
        Assert.Equal([new HoldClose(HoldKind.Payment, HoldState.Released)], plan.Closes);
    }

    [Fact]
    public void A_dispute_the_agent_won_pays_each_answering_verifier_and_the_agent_the_rest_of_the_bond()
    {
        var plan = TaskSettlement.Plan(Disputed(TaskState.Complete, DisputeResolution.AgentWins, voters: 2), Policy, 0);

        var payout = Assert.IsType<EscrowPayout>(plan.Operations[1]);
        Assert.Equal([new Payout(Verifiers[0], 2), new Payout(Verifiers[1], 2), new Payout(Agent, 16)], payout.Payouts);
        Assert.Equal(0, payout.Fee);
        Assert.Contains(new HoldClose(HoldKind.Bond, HoldState.Released), plan.Closes);
    }

    [Fact]
    public void An_undecided_dispute_without_verdicts_returns_the_bond()
    {
        var plan = TaskSettlement.Plan(Disputed(TaskState.Complete, DisputeResolution.Undecided, voters: 0), Policy, 0);

        Assert.IsType<EscrowRefund>(plan.Operations[1]);
        Assert.Contains(new HoldClose(HoldKind.Bond, HoldState.Refunded), plan.Closes);
    }

    [Fact]
    public void A_dispute_the_client_won_refunds_everything_and_slashes_the_verifier_fees_then_the_client_share()
    {
        var plan = TaskSettlement.Plan(Disputed(TaskState.Failed, DisputeResolution.ClientWins, voters: 3), Policy, slashable: 100);

        Assert.Equal(2, plan.Operations.OfType<EscrowRefund>().Count());
        var slashes = plan.Operations.OfType<Slash>().ToList();
        Assert.Equal([(Verifiers[0], 2L, 2L), (Verifiers[1], 2L, 2L), (Verifiers[2], 2L, 2L), (Client, 4L, 2L)],
            slashes.Select(s => (s.Beneficiary, s.Amount, s.BeneficiaryShare)));
        Assert.All(slashes, s => Assert.Equal(Agent, s.Account));
        Assert.Equal(Policy.MinStake, slashes.Sum(s => s.Amount));
    }

    [Fact]
    public void A_slash_never_takes_more_than_the_agent_holds()
    {
        var plan = TaskSettlement.Plan(Disputed(TaskState.Failed, DisputeResolution.ClientWins, voters: 3), Policy, slashable: 3);

        Assert.Equal([2L, 1L], plan.Operations.OfType<Slash>().Select(s => s.Amount));
    }

    [Fact]
    public void A_settled_task_whose_bond_is_still_locked_closes_only_the_bond()
    {
        var record = Disputed(TaskState.Settled, DisputeResolution.AgentWins, voters: 1) with { Payment = HoldState.Released };

        var plan = TaskSettlement.Plan(record, Policy, 0);

        Assert.IsType<EscrowPayout>(Assert.Single(plan.Operations));
        Assert.Equal([new HoldClose(HoldKind.Bond, HoldState.Released)], plan.Closes);
    }

    [Fact]
    public void A_cancelled_task_refunds_its_payment_and_nothing_else()
    {
        var plan = TaskSettlement.Plan(Ended(TaskState.Cancelled), Policy, 0);

        Assert.IsType<EscrowRefund>(Assert.Single(plan.Operations));
        Assert.Equal([new HoldClose(HoldKind.Payment, HoldState.Refunded)], plan.Closes);
    }

    [Fact]
    public void A_budget_task_that_slashes_spends_its_voucher_for_nothing_in_the_same_unit_so_a_resend_cannot_slash_again()
    {
        var voucher = new TaskVoucher(Ainur.Protocol.Hashing.Blake2b.Content("budget"u8), new byte[64]);
        var record = Ended(TaskState.Failed) with { Voucher = voucher, Slashed = [Agent] };

        var plan = TaskSettlement.Plan(record, Policy, 0, new Dictionary<Did, long> { [Agent] = 100 });

        var spent = Assert.IsType<VoucherSettle>(plan.Operations[0]);
        Assert.Equal((voucher.BudgetId, record.Id, 500L, 0L, 0L), (spent.BudgetId, spent.TaskId, spent.MaxPrice, spent.PayeeAmount, spent.Fee));
        Assert.Equal(Policy.MinStake, plan.Operations.OfType<Slash>().Sum(s => s.Amount));
        Assert.Equal([new HoldClose(HoldKind.Payment, HoldState.Refunded)], plan.Closes);
    }

    [Fact]
    public void A_budget_task_refunded_without_a_slash_moves_nothing() =>
        Assert.Empty(TaskSettlement.Plan(Ended(TaskState.Failed) with { Voucher = new TaskVoucher(default, new byte[64]) }, Policy, 0).Operations);

    [Fact]
    public void A_task_with_nothing_to_settle_has_no_plan() =>
        Assert.Throws<InvalidOperationException>(() => TaskSettlement.Plan(Ended(TaskState.Executing), Policy, 0));

    private static TaskRecord Ended(TaskState state)
    {
        var terms = TaskWorld.TermsOf(Client, TaskWorld.InputOf(1), 500, TaskWorld.T0.AddHours(1), "s");
        return new TaskRecord
        {
            Id = terms.TaskId(),
            Terms = terms,
            Input = TaskWorld.InputOf(1),
            Schemas = [],
            State = state,
            Attempt = 1,
            Agent = Agent,
            Price = 300,
            Payment = HoldState.Locked,
        };
    }

    private static TaskRecord Disputed(TaskState state, DisputeResolution resolution, int voters) => Ended(state) with
    {
        Bond = HoldState.Locked,
        Dispute = new DisputeRecord(TaskWorld.T0, true, Verifiers, [.. Verifiers.Take(voters).Select(v => new Verdict(v, resolution != DisputeResolution.ClientWins))], TaskWorld.T0.AddMinutes(1), resolution),
    };
}
