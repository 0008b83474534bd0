using System.Collections.Immutable;
using Ainur.Protocol.Ledger.Transactions;
using Orleans;

namespace Ainur.Protocol.Tasks;

/// <summary>One hold a settlement closes, and how it ends (Released or Refunded).</summary>
[GenerateSerializer, Immutable, Alias("ainur.HoldClose")]
public sealed record HoldClose([property: Id(0)] HoldKind Hold, [property: Id(1)] HoldState State);

/// <summary>
/// The protocol operations that close a task's holds, as one all-or-nothing unit, and the end state of each hold. The
/// unit is empty when nothing moves on the ledger (a budget task refunded without a bond: its reservation is released).
/// </summary>
public sealed record SettlementPlan(ImmutableArray<ProtocolOp> Operations, ImmutableArray<HoldClose> Closes);

/// <summary>
/// Who gets what when a task ends, a pure function of the record and the policy. A complete task pays the agent its
/// price less the protocol fee (the rest of maxPrice returns to the client, or stays in its budget); a bond the agent won pays each verifier
/// that answered its fee and the agent the rest; an undecided dispute pays the verifiers from the bond and returns the
/// rest. A cancelled or failed task refunds what is locked; after a lost dispute the agent's stake is slashed by up to
/// <see cref="TaskPolicy.MinStake"/>: first the verifiers' fees, then the client's share, the rest to the treasury.
/// </summary>
public static class TaskSettlement
{
    /// <summary>
    /// The plan for <paramref name="record"/>, which must have <see cref="TaskObligations.Settle"/> set;
    /// <paramref name="slashable"/> is what the agent holds at stake and unbonding now (used only after a lost dispute);
    /// <paramref name="slashableOf"/> the same for each agent in <see cref="TaskRecord.Slashed"/> (missing: nothing to take).
    /// </summary>
    public static SettlementPlan Plan(TaskRecord record, TaskPolicy policy, long slashable, IReadOnlyDictionary<Identity.Did, long>? slashableOf = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(policy);
        if (!TaskObligations.Of(record).Settle)
        {
            throw new InvalidOperationException($"Task {record.Id} has nothing to settle.");
        }

        var operations = ImmutableArray.CreateBuilder<ProtocolOp>();
        var closes = ImmutableArray.CreateBuilder<HoldClose>();
        var voters = record.Dispute?.Verdicts.Select(v => v.Verifier).ToImmutableArray() ?? [];
        var completed = record.State is TaskState.Complete or TaskState.Settled;
        if (record.Payment == HoldState.Locked)
        {
            var fee = policy.FeeOn(record.Price);
            if (record.Voucher is not { } voucher)
            {
                operations.Add(completed ? new EscrowRelease(record.PaymentEscrow, record.Agent!.Value, record.Price - fee, fee) : new EscrowRefund(record.PaymentEscrow));
            }
            else if (completed)
            {
                // A budget pays by the client's voucher; a refund only releases the reservation (nothing moves on the ledger).
                operations.Add(new VoucherSettle(voucher.BudgetId, record.Id, record.Terms.MaxPrice, voucher.Signature, record.Agent!.Value, record.Price - fee, fee));
            }

            closes.Add(new HoldClose(HoldKind.Payment, completed ? HoldState.Released : HoldState.Refunded));
        }

        if (record.Bond == HoldState.Locked && completed)
        {
            AddBondClose(record, policy, voters, operations, closes);
        }
        else if (record.Bond == HoldState.Locked)
        {
            operations.Add(new EscrowRefund(record.BondEscrow));
            closes.Add(new HoldClose(HoldKind.Bond, HoldState.Refunded));
        }

        // In the same unit as the escrow closes, so the slash applies at most once however often the unit is sent.
        if (!completed && record.Dispute?.Resolution == DisputeResolution.ClientWins)
        {
            AddSlashes(record, record.Agent!.Value, policy, voters, Math.Min(policy.MinStake, slashable), operations);
        }

        // A module that proved non-deterministic: its agent loses as for a lost dispute, with no verifiers to pay.
        foreach (var agent in record.Slashed.Distinct())
        {
            AddSlashes(record, agent, policy, [], Math.Min(policy.MinStake, slashableOf?.GetValueOrDefault(agent) ?? 0), operations);
        }

        // A budget's refund moves nothing, so a unit of slashes alone could apply again when sent again (an answer lost,
        // the budget's reservation back after a restart): the voucher, spent for nothing, makes the unit once-only.
        if (!completed && record is { Voucher: { } refunded, Payment: HoldState.Locked } && operations.Any(op => op is Slash))
        {
            operations.Insert(0, new VoucherSettle(refunded.BudgetId, record.Id, record.Terms.MaxPrice, refunded.Signature, record.Terms.Client, 0, 0));
        }

        return new SettlementPlan(operations.ToImmutable(), closes.ToImmutable());
    }

    private static void AddBondClose(TaskRecord record, TaskPolicy policy, ImmutableArray<Identity.Did> voters, ImmutableArray<ProtocolOp>.Builder operations, ImmutableArray<HoldClose>.Builder closes)
    {
        var payouts = policy.VerifierFee > 0 ? voters.Select(v => new Payout(v, policy.VerifierFee)).ToList() : [];
        if (record.Dispute!.Resolution == DisputeResolution.AgentWins)
        {
            payouts.Add(new Payout(record.Agent!.Value, policy.DisputeBond - payouts.Sum(p => p.Amount)));
        }

        if (payouts.Count == 0)
        {
            operations.Add(new EscrowRefund(record.BondEscrow));
            closes.Add(new HoldClose(HoldKind.Bond, HoldState.Refunded));
            return;
        }

        operations.Add(new EscrowPayout(record.BondEscrow, [.. payouts], 0));
        closes.Add(new HoldClose(HoldKind.Bond, HoldState.Released));
    }

    private static void AddSlashes(TaskRecord record, Identity.Did agent, TaskPolicy policy, ImmutableArray<Identity.Did> voters, long amount, ImmutableArray<ProtocolOp>.Builder operations)
    {
        var remaining = amount;
        foreach (var verifier in voters)
        {
            var fee = Math.Min(policy.VerifierFee, remaining);
            if (fee > 0)
            {
                operations.Add(new Slash(agent, fee, verifier, fee));
                remaining -= fee;
            }
        }

        if (remaining > 0)
        {
            operations.Add(new Slash(agent, remaining, record.Terms.Client, remaining * policy.SlashClientShareBps / 10_000));
        }
    }
}
