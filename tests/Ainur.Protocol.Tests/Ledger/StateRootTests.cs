using System.Collections.Immutable;
using Ainur.Protocol.Ledger;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger;

public class StateRootTests
{
    [Fact]
    public void GenesisRoot_EqualsRootFromDefinition() =>
        Assert.Equal(StateRootOracle.Compute(Start()), Start().StateRoot);

    [Fact]
    public void Root_AfterEveryKindOfEntryChange_EqualsRootFromDefinition()
    {
        var state = Apply(Start(), Stake(Alice, 500, 1), Lock(Bob, EscrowId(1), Allocation), Lock(Carol, EscrowId(2), 10));
        state = Apply(state, Unstake(Alice, 200, 2), Batch(3, new EscrowRelease(EscrowId(1), Carol.Did, 900, 50)));
        state = Skip(state, UnbondingBlocks);

        Assert.Equal(StateRootOracle.Compute(state), state.StateRoot);
    }

    [Fact]
    public void Account_LockingItsWholeBalance_LeavesTheState()
    {
        var after = Apply(Start(), Lock(Bob, EscrowId(1), Allocation));

        Assert.DoesNotContain(after.Accounts, a => a.Key == Bob.Did);
        Assert.Equal(StateRootOracle.Compute(after), after.StateRoot);
    }

    [Fact]
    public void Root_TwoHistoriesToTheSameContent_AreEqual()
    {
        var twoBlocks = Apply(Apply(Start(), Transfer(Alice, Bob, 10, 1)), Transfer(Alice, Bob, 10, 2));
        var oneTransfer = Apply(Start(), Transfer(Alice, Bob, 20, 2));

        Assert.NotEqual(twoBlocks.Height, oneTransfer.Height);
        Assert.Equal(oneTransfer.StateRoot, twoBlocks.StateRoot);
    }

    [Fact]
    public void Root_DifferentContent_Differs()
    {
        var roots = new[]
        {
            Start().StateRoot,
            Apply(Start(), Transfer(Alice, Bob, 1, 1)).StateRoot,
            Apply(Start(), Transfer(Alice, Bob, 1, 2)).StateRoot,
            Apply(Start(), Transfer(Alice, Carol, 1, 1)).StateRoot,
            Apply(Start(), Stake(Alice, 1, 1)).StateRoot,
            Apply(Start(), Lock(Alice, EscrowId(1), 1)).StateRoot,
            Apply(Start(), Lock(Alice, EscrowId(2), 1)).StateRoot,
        };

        Assert.Equal(roots.Length, roots.Distinct().Count());
    }

    [Fact]
    public void Root_OnlyOrchestratorSequenceDiffers_Differs()
    {
        var locked = Apply(Start(), Lock(Alice, EscrowId(1), 10), Lock(Alice, EscrowId(2), 10));

        Assert.NotEqual(
            Apply(locked, Batch(1, new EscrowRefund(EscrowId(1))), Batch(2, new EscrowRefund(EscrowId(2)))).StateRoot,
            Apply(locked, Batch(5, new EscrowRefund(EscrowId(1)), new EscrowRefund(EscrowId(2)))).StateRoot);
    }

    [Fact]
    public void GenesisRoot_SplitAllocations_EqualOneSummedAllocation()
    {
        var split = TestGenesis with { Allocations = [new GenesisAllocation(Alice.Did, 300), new GenesisAllocation(Bob.Did, 1), new GenesisAllocation(Alice.Did, 700)] };
        var summed = TestGenesis with { Allocations = [new GenesisAllocation(Bob.Did, 1), new GenesisAllocation(Alice.Did, 1000), new GenesisAllocation(Carol.Did, 0)] };

        Assert.Equal(LedgerState.FromGenesis(summed).StateRoot, LedgerState.FromGenesis(split).StateRoot);
    }

    [Fact]
    public void ManyAccounts_RootEqualsRootFromDefinition()
    {
        var recipients = Enumerable.Range(100, 150).Select(KeyFrom).ToArray();
        var transfers = recipients.Select((r, i) => Transfer(Users[i % Users.Length], r, 1 + (i % 10), 1 + (i / Users.Length))).ToArray();

        var after = Apply(Start(), transfers);

        Assert.Equal(155, after.Accounts.Count());
        Assert.Equal(StateRootOracle.Compute(after), after.StateRoot);
        Assert.Equal(TestGenesis.TotalSupply, after.Total());
        foreach (var recipient in recipients)
        {
            recipient.Dispose();
        }
    }

    [Fact]
    public void FromGenesis_StartsAtHeightZeroAfterTheGenesisHash()
    {
        var state = Start();

        Assert.Equal(0, state.Height);
        Assert.Equal(TestGenesis.Hash, state.LastBlockHash);
        Assert.Equal(0, state.OrchestratorSequence);
        Assert.Equal(5 * Allocation, state.Total());
        Assert.Equal(TestGenesis.TotalSupply, state.Total());
    }

    [Fact]
    public void FromGenesis_InvalidGenesis_Throws()
    {
        Assert.Throws<ArgumentException>(() => LedgerState.FromGenesis(TestGenesis with { UnbondingBlocks = 0 }));
        Assert.Throws<ArgumentException>(() => LedgerState.FromGenesis(TestGenesis with { Validators = new([]) }));
        Assert.Throws<ArgumentException>(() => LedgerState.FromGenesis(TestGenesis with { Allocations = [new GenesisAllocation(Alice.Did, -1)] }));
        Assert.Throws<ArgumentException>(() => LedgerState.FromGenesis(TestGenesis with
        {
            Allocations = ImmutableArray.Create(new GenesisAllocation(Alice.Did, long.MaxValue), new GenesisAllocation(Bob.Did, 1)),
        }));
    }
}
