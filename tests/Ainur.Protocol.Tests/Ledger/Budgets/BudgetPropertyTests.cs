using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using CsCheck;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger.Budgets;

/// <summary>
/// Random histories of budget opens, top-ups, closes, voucher settlements (genuine, forged, replayed), returns and
/// transfers, checked step by step against <see cref="BudgetModel"/> and block by block for conservation (CsCheck
/// prints the seed of a failing case; rerun it with <c>Sample(..., seed: "...")</c>).
/// </summary>
public sealed class BudgetPropertyTests
{
    // Per step: accepted exactly when the model finds no broken rule, refused with one of the broken rules' codes.
    // Per block: every balance, budget and voucher as the model has it; supply conserved with budgets counted; no budget
    // beyond what was put in; the builder, full execution (vouchers prechecked on two cores) and finalized application agree.
    [Fact]
    public void RandomBudgetHistories_FollowTheModel_ConserveSupply_NeverOverspend_PayEachVoucherOnce() =>
        BudgetModel.Histories.Sample(steps => Run(steps), iter: 200);

    [Fact]
    public void RandomBudgetHistories_SnapshotAtTheEnd_DecodesToTheSameStateAndRoot() =>
        BudgetModel.Histories.Sample(steps =>
        {
            var final = Run(steps)[^1];
            var decoded = LedgerSnapshot.Decode(final.Genesis, LedgerSnapshot.Encode(final));
            Assert.Equal(final.StateRoot, decoded.StateRoot);
            Assert.Equal(StateRootOracle.Compute(final), final.StateRoot);
            Assert.Equal(final.Budgets.OrderBy(b => b.Key), decoded.Budgets.OrderBy(b => b.Key));
        }, iter: 60);

    private static List<LedgerState> Run(BudgetStep[] steps)
    {
        var model = new BudgetModel();
        var states = new List<LedgerState> { Start() };
        var batch = LedgerBatch.Begin(states[^1]);
        var pending = new List<SignedTransaction>();
        foreach (var step in steps.Append(new BudgetStep(BudgetStepKind.EndBlock, 0, 0, 0, 0, 0, 0, 0, VoucherForgery.None, 0, 0)))
        {
            if (step.Kind == BudgetStepKind.EndBlock)
            {
                var after = EndBlock(states[^1], pending, batch.ComputeStateRoot());
                CheckAgainstModel(after, model);
                states.Add(after);
                batch = LedgerBatch.Begin(after);
                pending.Clear();
                continue;
            }

            if (model.Materialize(step, batch.Height) is not var (transaction, broken, apply))
            {
                continue;
            }

            var rejection = batch.TryApply(transaction, signatureChecked: false);
            if (broken.Count == 0)
            {
                Assert.True(rejection is null, $"{step} was refused: {rejection?.Code} {rejection?.Message}");
                apply();
                pending.Add(transaction);
            }
            else
            {
                Assert.True(rejection is not null, $"{step} was accepted though it breaks {string.Join(", ", broken)}");
                Assert.Contains(rejection.Code, broken);
            }
        }

        return states;
    }

    private static LedgerState EndBlock(LedgerState before, List<SignedTransaction> pending, Ainur.Protocol.Hashing.Hash32 root)
    {
        var built = BlockBuilder.Build(before, pending, int.MaxValue, 0, ProposerAfter(before), before.TimeUnixMs, maxParallelism: 2);
        Assert.Equal(pending, built.Block.Transactions);
        Assert.Equal(root, built.After.StateRoot);
        var executed = BlockExecution.Execute(before, built.Block, maxParallelism: 2);
        var finalized = BlockExecution.ApplyFinalized(before, built.Block);
        Assert.True(executed.IsValid, executed.Failure?.Message);
        Assert.Equal(root, executed.After.StateRoot);
        Assert.Equal(root, finalized.After!.StateRoot);
        return built.After;
    }

    private static void CheckAgainstModel(LedgerState state, BudgetModel model)
    {
        Assert.Equal(state.Genesis.TotalSupply, state.Total());
        foreach (var (did, balance) in model.Balances)
        {
            Assert.Equal(balance, state.GetAccount(did).Balance);
        }

        Assert.Equal(model.Budgets.Count, state.Budgets.Count());
        foreach (var (id, expected) in model.Budgets)
        {
            var budget = state.GetBudget(id)!;
            Assert.Equal(new Budget(expected.Owner, expected.Remaining, expected.Expiry, expected.Status, expected.Spent), budget);

            // Never beyond the budget: what left it (paid, returned) plus what it holds is exactly what was put in.
            Assert.True(budget.Remaining >= 0 && budget.Spent >= 0, budget.ToString());
            Assert.Equal(expected.Added, budget.Spent + budget.Remaining + expected.Returned);
            Assert.Equal(budget.Spent, model.Paid.Where(p => p.BudgetId == id).Sum(p => p.PayeeAmount + p.Fee));
            for (var task = 0; task < BudgetModel.Tasks; task++)
            {
                Assert.Equal(expected.PaidTasks.Contains(BudgetModel.TaskOf(task)), state.IsVoucherSpent(id, BudgetModel.TaskOf(task)));
            }
        }

        // One payment per voucher, ever.
        Assert.Equal(model.Paid.Count, model.Paid.Select(p => (p.BudgetId, p.TaskId)).Distinct().Count());
    }
}
