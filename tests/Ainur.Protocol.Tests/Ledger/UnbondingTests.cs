using Ainur.Protocol.Ledger.State;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger;

public class UnbondingTests
{
    [Fact]
    public void Unstake_ReleasesAtTheStartOfBlockHeightPlusPeriod()
    {
        var staked = Apply(Start(), Stake(Alice, 400, 1));            // block 1
        var unstaked = Apply(staked, Unstake(Alice, 300, 2));          // block 2: due at 2 + 2 = 4

        Assert.Equal(new Account(600, 100, [new UnbondingEntry(300, 4)], 2), unstaked.GetAccount(Alice.Did));
        Assert.Equal(TxRejectionCodes.InsufficientBalance, Try(unstaked, Transfer(Alice, Bob, 601, 3))?.Code);
        var block3 = Skip(unstaked, 1);
        Assert.Equal(600, block3.GetAccount(Alice.Did).Balance);

        // Block 4 starts with the release, so its first transaction can already spend the credits.
        var block4 = Apply(block3, Transfer(Alice, Bob, 900, 3));

        Assert.Equal(new Account(0, 100, [], 3), block4.GetAccount(Alice.Did));
        Assert.Equal(TestGenesis.TotalSupply, block4.Total());
    }

    [Fact]
    public void Unstake_TwiceInOneBlock_SharesOneEntry()
    {
        var staked = Apply(Start(), Stake(Alice, 400, 1));

        var after = Apply(staked, Unstake(Alice, 100, 2), Unstake(Alice, 50, 3));

        Assert.Equal([new UnbondingEntry(150, 4)], after.GetAccount(Alice.Did).Unbonding);
    }

    [Fact]
    public void Unstake_InConsecutiveBlocks_ReleasesEachAtItsHeight()
    {
        var state = Apply(Start(), Stake(Alice, 400, 1));
        state = Apply(state, Unstake(Alice, 100, 2));                  // due at 4
        state = Apply(state, Unstake(Alice, 50, 3));                   // due at 5

        var at4 = Skip(state, 1);
        var at5 = Skip(at4, 1);

        Assert.Equal(new Account(700, 250, [new UnbondingEntry(50, 5)], 3), at4.GetAccount(Alice.Did));
        Assert.Equal(new Account(750, 250, [], 3), at5.GetAccount(Alice.Did));
    }

    [Fact]
    public void Release_AfterUnbondingWasSlashedAway_ReleasesNothing()
    {
        var state = Apply(Start(), Stake(Alice, 100, 1));
        state = Apply(state, Unstake(Alice, 100, 2));
        state = Apply(state, Batch(1, new Ainur.Protocol.Ledger.Transactions.Slash(Alice.Did, 100, Bob.Did, 100)));

        var after = Skip(state, 3);

        Assert.Equal(new Account(Allocation - 100, 0, [], 2), after.GetAccount(Alice.Did));
        Assert.Equal(TestGenesis.TotalSupply, after.Total());
    }
}
