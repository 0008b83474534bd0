using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using CsCheck;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger;

/// <summary>
/// Properties over random histories of valid and invalid transactions (CsCheck prints the seed of a failing case;
/// rerun it with <c>Sample(..., seed: "...")</c>).
/// </summary>
public class LedgerPropertyTests
{
    // Run asserts per step: replays, forgeries and strangers' batches are rejected; and per block: supply, signs, builder agreement.
    [Fact]
    public void RandomHistories_KeepSupplyAndRejectReplaysForgeriesAndStrangers() =>
        RandomHistory.Histories.Sample(steps => RandomHistory.Run(steps), iter: 150);

    [Fact]
    public void RandomHistories_ReplayedFromGenesis_GiveTheSameRootsEveryWay() =>
        RandomHistory.Histories.Sample(steps =>
        {
            var history = RandomHistory.Run(steps);
            LedgerState executed = Start(), finalized = Start();
            for (var i = 0; i < history.Blocks.Count; i++)
            {
                var byExecute = BlockExecution.Execute(executed, history.Blocks[i], maxParallelism: 1 + (i % 3));
                var byFinalized = BlockExecution.ApplyFinalized(finalized, history.Blocks[i]);
                Assert.True(byExecute.IsValid, byExecute.Failure?.Message);
                Assert.True(byFinalized.IsValid, byFinalized.Failure?.Message);
                (executed, finalized) = (byExecute.After, byFinalized.After);
                Assert.Equal(history.States[i + 1].StateRoot, executed.StateRoot);
                Assert.Equal(history.States[i + 1].StateRoot, finalized.StateRoot);
                Assert.Equal(history.Blocks[i].Hash, executed.LastBlockHash);
            }
        }, iter: 60);

    [Fact]
    public void RandomHistories_RootEqualsRootFromDefinition() =>
        RandomHistory.Histories.Sample(steps =>
        {
            var final = RandomHistory.Run(steps).States[^1];
            Assert.Equal(StateRootOracle.Compute(final), final.StateRoot);
        }, iter: 25);

    [Fact]
    public void RandomCandidates_BuilderOutputPassesExecute() =>
        Gen.Select(RandomHistory.Histories, RandomHistory.Steps.Array[0, 40], Gen.Int[0, 45], Gen.Int[0, int.MaxValue]).Sample((prefix, steps, max, shuffle) =>
        {
            var before = RandomHistory.Run(prefix).States[^1];
            var view = LedgerBatch.Begin(before);
            var candidates = steps.Select(s => RandomHistory.Materialize(s, view, [])?.Transaction).OfType<SignedTransaction>().ToList();
            candidates.AddRange(candidates.Take(shuffle % 4));                         // some duplicates
            var order = candidates.Select((_, i) => HashCode.Combine(i, shuffle)).ToArray();
            var shuffled = candidates.Zip(order).OrderBy(p => p.Second).Select(p => p.First).ToArray();

            var built = BlockBuilder.Build(before, shuffled, max, 0, ProposerAfter(before), 7, maxParallelism: 1 + (shuffle % 2));

            var outcome = BlockExecution.Execute(before, built.Block, maxParallelism: 2);
            Assert.True(outcome.IsValid, outcome.Failure?.Message);
            Assert.Equal(built.After.StateRoot, outcome.After.StateRoot);
            Assert.True(built.Block.Transactions.Length <= max);
            Assert.True(built.Block.Transactions.Length + built.Rejected.Length == shuffled.Length || built.Block.Transactions.Length == max);
            Assert.Subset(shuffled.ToHashSet(), built.Block.Transactions.Concat(built.Rejected.Select(r => r.Transaction)).ToHashSet());
            LedgerInvariants.Check(built.After);
        }, iter: 80);

    // Transfers and stakes from distinct signers, each payable from the signer's own allocation, so every order is valid.
    [Fact]
    public void IndependentTransactions_AnyOrderAndBlockSplit_GiveTheSameRoot() =>
        Gen.Select(Gen.Int[0, 3].Array[Users.Length], Gen.Long[1, Allocation].Array[Users.Length], Gen.Int[1, 9].Array[Users.Length], Gen.Int[0, int.MaxValue])
        .Sample((choices, amounts, nonces, seed) =>
        {
            var transactions = Users.Select((user, i) => choices[i] == 3
                ? Stake(user, amounts[i], nonces[i])
                : Transfer(user, Users[(i + 1 + choices[i]) % Users.Length], amounts[i], nonces[i])).ToArray();
            var together = Apply(Start(), transactions);

            var split = Start();
            var shuffled = transactions.OrderBy(t => HashCode.Combine(t.Id, seed)).ToArray();
            for (var at = 0; at < shuffled.Length;)
            {
                var take = 1 + ((seed >> at) & 1);
                split = Skip(Apply(split, shuffled.Skip(at).Take(take).ToArray()), (seed >> (at + 8)) & 1);
                at += take;
            }

            Assert.Equal(together.StateRoot, split.StateRoot);
        }, iter: 100);
}
